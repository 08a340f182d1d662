//! Every statistic the PLS bootstrap puts an interval on, as one vector per fit (the
//! full sample, each replicate, each jackknife group) in a fixed layout.
//!
//! All of them come from the fit and the item means and covariances, so a replicate
//! costs one pass over its rows plus work on `k × k` matrices. The layout depends on
//! the model only (never on a resample's values), so replicate `r` of two groups pair
//! up position by position (changes between waves read paths and total effects).

use std::ops::Range;

use super::ipma::ipma_effects;
use super::{htmt_on_moments, reliability_on_moments, ItemCovariance, PathModel, PlsError, PlsFit};

/// What IPMA needs beyond the fit: the items' scales and the target construct.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IpmaTarget<'a> {
    /// `(min, max)` per item column, as for [`super::ipma_on_moments`].
    pub scales: &'a [(f64, f64)],
    pub target: usize,
}

/// Where each statistic sits in the vector. In order: path coefficients (model path
/// order), total effects (`constructs²`, row-major `[from][to]`), outer weights and
/// loadings (the fit's `outer` order), R² then adjusted R² of the endogenous
/// constructs (construct order), Cronbach's α, ρc, AVE and ρA per construct, HTMT per
/// pair (`htmt_on_moments` order), and with an IPMA target its importance (the
/// rescaled total effect of each construct on the target, 0 for the target itself)
/// and performance per construct.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    paths: usize,
    constructs: usize,
    items: usize,
    /// Constructs with an R² (those with predecessors), in construct order.
    pub endogenous: Vec<usize>,
    pairs: usize,
    ipma: bool,
}

impl Layout {
    pub fn new(model: &PathModel, ipma: bool) -> Self {
        let c = model.constructs.len();
        Self {
            paths: model.paths.len(),
            constructs: c,
            items: model.constructs.iter().map(|b| b.items.len()).sum(),
            endogenous: model
                .predecessors()
                .iter()
                .enumerate()
                .filter(|(_, from)| !from.is_empty())
                .map(|(j, _)| j)
                .collect(),
            pairs: c * c.saturating_sub(1) / 2,
            ipma,
        }
    }

    /// Section lengths in vector order.
    fn lengths(&self) -> [usize; 13] {
        let (c, e) = (self.constructs, self.endogenous.len());
        let ipma = if self.ipma { c } else { 0 };
        let items = self.items;
        [
            self.paths,
            c * c,
            items,
            items,
            e,
            e,
            c,
            c,
            c,
            c,
            self.pairs,
            ipma,
            ipma,
        ]
    }

    pub fn len(&self) -> usize {
        self.lengths().iter().sum()
    }

    /// The positions of section `s` (see [`Section`]).
    pub fn range(&self, s: Section) -> Range<usize> {
        let lengths = self.lengths();
        let i = s as usize;
        let start: usize = lengths[..i].iter().sum();
        start..start + lengths[i]
    }
}

/// The sections of a [`Layout`], in vector order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Paths,
    Total,
    Weights,
    Loadings,
    R2,
    AdjR2,
    Alpha,
    RhoC,
    Ave,
    RhoA,
    Htmt,
    IpmaImportance,
    IpmaPerformance,
}

/// The statistics of `fit` (estimated on `cov`) in `layout`'s order. Fails only when
/// IPMA does (a rescaled score that is not finite or collinear).
pub(crate) fn statistics(
    model: &PathModel,
    layout: &Layout,
    cov: &ItemCovariance,
    fit: &PlsFit,
    ipma: Option<IpmaTarget<'_>>,
) -> Result<Vec<f64>, PlsError> {
    let mut v = Vec::with_capacity(layout.len());
    v.extend(fit.paths.iter().map(|x| x.coef));
    v.extend_from_slice(&fit.total.data);
    v.extend(fit.outer.iter().map(|o| o.weight));
    v.extend(fit.outer.iter().map(|o| o.loading));
    let r2 = |j: usize| fit.r2.get(j).copied().flatten();
    v.extend(
        layout
            .endogenous
            .iter()
            .map(|&j| r2(j).map_or(f64::NAN, |r| r.0)),
    );
    v.extend(
        layout
            .endogenous
            .iter()
            .map(|&j| r2(j).map_or(f64::NAN, |r| r.1)),
    );
    let reliability = reliability_on_moments(model, cov, fit);
    v.extend(reliability.iter().map(|r| r.alpha));
    v.extend(reliability.iter().map(|r| r.rho_c));
    v.extend(reliability.iter().map(|r| r.ave));
    v.extend(reliability.iter().map(|r| r.rho_a));
    v.extend(htmt_on_moments(model, cov).iter().map(|h| h.value));
    if let (true, Some(t)) = (layout.ipma, ipma) {
        let (te, performance) = ipma_effects(model, cov, t.scales, fit)?;
        v.extend((0..te.rows).map(|k| te.get(k, t.target)));
        v.extend_from_slice(&performance);
    }
    debug_assert_eq!(v.len(), layout.len());
    Ok(v)
}
