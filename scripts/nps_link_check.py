#!/usr/bin/env python3
"""How NPS responds to a shift of satisfaction in the telecom example's generator,
against the per-respondent links what-if could use (docs/whatif.md, "What caused the
under-promise, and what is left"). Not a reference for a test: it explains a
figure quoted in the docs. numpy only; about 1 s.

The generator (fixtures/telecom/simulate.yaml) is reproduced in distribution, not
byte for byte (numpy's generator, not sattrace's): satisfaction's latent from its
drivers, two 1-5 items, the 0-10 recommend item from the NPS latent. `service` is
moved by 10 index points on its latent, as `simulate --shift` does.

Printed: the true change of satisfaction and NPS; the linear prediction (the
disattenuated slope of NPS on satisfaction times the true satisfaction change); the
calibrated single logistic on each respondent's fitted value (what `whatif` does);
a two-threshold (promoter / detractor) logistic calibrated the same way; and the
true NPS change per point of satisfaction change for shifts of 1, 5, 10 and 20.
"""
import numpy as np
rng=np.random.default_rng(1)
N=400000
# satisfaction latent approx from the telecom generator: mean ~ 73, sd ~ 10
rt=rng.normal(47,14.8,N); sa=rng.normal(72,14,N); res=rng.normal(62,14,N)
serv=12+0.55*rt+0.15*sa+0.25*res+rng.normal(0,6,N)
net=rng.normal(71,14,N); pv=rng.normal(60,14,N); br=rng.normal(74,14,N)
rng_e=rng.normal(0,6,N)
e_n=rng.normal(0,6,N); e_i=rng.normal(0,5,N); e_s1=rng.normal(0,5,N); e_s2=rng.normal(0,5,N)
def observe(shift):
    sl=9+0.55*(serv+shift)+0.2*net+0.15*pv+0.08*br+rng_e
    it=lambda e: np.clip(np.round(1+4*np.clip(sl+e,0,100)/100),1,5)
    sat=((it(e_s1)+it(e_s2))/2-1)/4*100
    nl=-35+1.6*sl+e_n
    rec=np.clip(np.round((nl+e_i)/10),0,10)
    v=np.where(rec>=9,100,np.where(rec<=6,-100,0))
    return sat,v
sat0,v0=observe(0); sat1,v1=observe(10)
print("sat mean",sat0.mean(),"nps",v0.mean(),"true dsat",sat1.mean()-sat0.mean(),"true dnps",v1.mean()-v0.mean())
# The regression slope of NPS on satisfaction, disattenuated by satisfaction's alpha.
b_obs=np.cov(sat0,v0)[0,1]/np.var(sat0)
# reliability via 2 items
sl=9+0.55*serv+0.2*net+0.15*pv+0.08*br+rng_e
it=lambda e: np.clip(np.round(1+4*np.clip(sl+e,0,100)/100),1,5)
i1,i2=it(e_s1),it(e_s2)
c=np.cov(i1,i2)
# Cronbach's alpha of the two items (what sattrace's reliability is for two items).
alpha=2*(1-(c[0,0]+c[1,1])/np.var(i1+i2))
b=b_obs/alpha
print("alpha",alpha,"b",b)
dsat=sat1.mean()-sat0.mean()
# The push every respondent's NPS gets through the linear effect.
push=b*dsat
a=v0.mean()-b*sat0.mean()
yhat=a+b*sat0
q=np.clip((yhat+100)/200,0.005,0.995)
k=1/np.mean(q*(1-q))
sig=lambda x:1/(1+np.exp(-x))
lg=np.log(q/(1-q))
single=np.mean((sig(lg+k*push/200)-q)*200)
print("linear",push,"single logistic",single)
# ordinal: thresholds from shares
p=np.mean(v0==100); d=np.mean(v0==-100)
tp=-np.log(p/(1-p)); td=np.log(d/(1-d))
E=lambda l: 100*(sig(l-tp)-sig(td-l))
# solve l for yhat by bisection
lo=np.full(N,-30.0); hi=np.full(N,30.0)
target=np.clip(yhat,-99.0,99.0)
for _ in range(60):
    mid=(lo+hi)/2; m=E(mid)<target; lo=np.where(m,mid,lo); hi=np.where(m,hi,mid)
l=(lo+hi)/2
dE=100*(sig(l-tp)*(1-sig(l-tp))+sig(td-l)*(1-sig(td-l)))
k2=1/np.mean(dE)
ordinal=np.mean(E(l+k2*push)-E(l))
print("p",p,"d",d,"ordinal",ordinal)
for sh in [1,5,10,20]:
    s1,v1s=observe(sh)
    print("shift",sh,"dsat",s1.mean()-sat0.mean(),"dnps",v1s.mean()-v0.mean(),"ratio",(v1s.mean()-v0.mean())/(s1.mean()-sat0.mean()))
