#!/usr/bin/env bash
# Key driver analysis benchmark: sattrace against the Python reference implementations
# on the same files. Whole-process wall times (GNU time), medians; results in
# bench/kda.md. Needs cargo, python3, pip (PyPI) and GNU time (/usr/bin/time).
#   RUNS        sattrace runs per case (default 3)
#   PEER_RUNS   peer runs per case (default 1; the slow peers take minutes)
#   RELAIMPO_SRC  a relaimpo source directory (a copy of the GitHub mirror
#               cran/relaimpo; CRAN itself is unreachable here): adds R relaimpo
#   SEMINR_SRC  a seminr source directory (GitHub sem-in-r/seminr): adds R seminr
# The R peers run only when Rscript and these sources are there (see bench/kda_peers.R).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
peer_runs=${PEER_RUNS:-1}
tmp=${BENCH_TMP:-/tmp/sattrace_kda}
mkdir -p "$tmp"

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/sattrace

# Peers: statsmodels, relativeImp and dominance-analysis in the current Python;
# plspm 0.5.7 breaks on pandas 3, so it gets its own venv with pandas 2.2.
python3 -m pip install --quiet statsmodels relativeImp dominance-analysis pandas numpy
if [ ! -x "$tmp/plspm-venv/bin/python" ]; then
  python3 -m venv "$tmp/plspm-venv"
fi
"$tmp/plspm-venv/bin/pip" install --quiet "plspm==0.5.7" "pandas==2.2.3"

# R peers: relaimpo's Debian dependencies, relaimpo built from source into a private
# library, and seminr's R files with their `seminr::` prefixes removed so they can be
# sourced (nothing of either is committed).
r_peers=no
if command -v Rscript >/dev/null && [ -n "${RELAIMPO_SRC:-}" ] && [ -n "${SEMINR_SRC:-}" ]; then
  export R_LIBS_USER=$tmp/rlib
  mkdir -p "$R_LIBS_USER"
  if ! Rscript -e 'library(relaimpo)' >/dev/null 2>&1; then
    apt-get install -y -qq r-cran-boot r-cran-mass r-cran-corpcor r-cran-survey r-cran-mitools >/dev/null
    R CMD INSTALL --library="$R_LIBS_USER" "$RELAIMPO_SRC" >/dev/null
  fi
  rm -rf "$tmp/seminr" && mkdir -p "$tmp/seminr" && cp "$SEMINR_SRC"/R/*.R "$tmp/seminr/"
  sed -i 's/seminr:://g' "$tmp/seminr"/*.R
  export SEMINR_R=$tmp/seminr
  r_peers=yes
fi

for p in 20 25; do
  [ -f "$tmp/lmg$p.csv" ] || "$bin" simulate --model "bench/kda/lmg$p/model.yaml" --n 1000000 --seed 1 -o "$tmp/lmg$p.csv"
done
[ -f "$tmp/lmg20_10k.csv" ] || "$bin" simulate --model bench/kda/lmg20/model.yaml --n 10000 --seed 1 -o "$tmp/lmg20_10k.csv"

# measure LABEL RUNS CMD...: one line per run, "LABEL wall user sys maxrss".
measure() {
  local label=$1 n=$2; shift 2
  for _ in $(seq "$n"); do
    /usr/bin/time -o "$tmp/time" -f "%e %U %S %M" "$@" >"$tmp/out" 2>"$tmp/err"
    echo "$label $(cat "$tmp/time")"
  done
}
q() { seq -s, -f "q%g" "$1"; }
a() { seq -s, -f "a%g" "$1"; }

{
  for p in 20 25; do
    measure "sattrace-lmg$p" "$runs" "$bin" importance "bench/kda/lmg$p" --data "$tmp/lmg$p.csv" --method lmg --format json
    measure "statsmodels-ols$p" "$peer_runs" python3 bench/kda_peers.py ols "$tmp/lmg$p.csv" sat "$(q $p)"
    measure "relativeImp$p" "$peer_runs" python3 bench/kda_peers.py relweights "$tmp/lmg$p.csv" sat "$(q $p)"
  done
  measure sattrace-dominance8 "$runs" "$bin" importance bench/kda/lmg20 --data "$tmp/lmg20_10k.csv" --method dominance --drivers "$(a 8)" --format json
  measure dominance-analysis8 "$peer_runs" python3 bench/kda_peers.py dominance "$tmp/lmg20_10k.csv" sat "$(q 8)"
  measure sattrace-pls5000 "$runs" "$bin" importance fixtures/ecsi --method pls --bootstrap 5000 --seed 7 --threads 2 --format json
  measure sattrace-pls100 "$runs" "$bin" importance fixtures/ecsi --method pls --bootstrap 100 --seed 7 --threads 2 --format json
  measure plspm100 "$peer_runs" "$tmp/plspm-venv/bin/python" bench/kda_peers.py pls fixtures/ecsi/survey.csv 100
  if [ "$r_peers" = yes ]; then
    measure relaimpo-lmg20 "$peer_runs" Rscript bench/kda_peers.R lmg "$tmp/lmg20.csv" sat "$(q 20)"
    measure seminr-pls5000 "$peer_runs" Rscript bench/kda_peers.R pls fixtures/ecsi/survey.csv 5000
  fi
} | tee "$tmp/times.txt"

python3 - "$tmp/times.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, user, sys_, rss = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss)))
med = {k: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v),
           max(r for _, _, r in v), len(v)) for k, v in rows.items()}
print("| case | runs | wall median | CPU median | peak RSS |")
print("|---|---|---|---|---|")
for k, (w, c, r, n) in med.items():
    print(f"| {k} | {n} | {w:.2f} s | {c:.2f} s | {r / 1024:.0f} MiB |")
pairs = [("sattrace-lmg20", "statsmodels-ols20"), ("sattrace-lmg20", "relativeImp20"),
         ("sattrace-lmg25", "statsmodels-ols25"), ("sattrace-lmg25", "relativeImp25"),
         ("sattrace-dominance8", "dominance-analysis8"), ("sattrace-pls100", "plspm100"),
         ("sattrace-pls5000", "plspm100"), ("sattrace-lmg20", "relaimpo-lmg20"),
         ("sattrace-pls5000", "seminr-pls5000")]
print()
print("| sattrace | peer | wall ratio sattrace/peer | CPU ratio |")
print("|---|---|---|---|")
for s, p in pairs:
    if s in med and p in med:
        print(f"| {s} | {p} | {med[s][0] / med[p][0]:.4f} | {med[s][1] / med[p][1]:.4f} |")
EOF
