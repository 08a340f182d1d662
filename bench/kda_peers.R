# The R side of bench/kda.sh: the same key driver work through R's reference
# implementations, one task per process so the wall time is the whole job.
#
#   Rscript kda_peers.R lmg CSV OUTCOME D1,D2,...   relaimpo calc.relimp(type = "lmg") on
#                                                   the survey-weighted covariance matrix
#   Rscript kda_peers.R pls CSV REPLICATES          seminr's PLS estimator on the ECSI
#                                                   model, bootstrapped on 2 cores
#
# relaimpo and seminr are not in Debian and CRAN is unreachable here; bench/kda.sh
# installs relaimpo from source (R CMD INSTALL on a copy of the cran/relaimpo
# mirror, after Debian's r-cran-boot, -mass, -corpcor, -survey, -mitools) into
# R_LIBS_USER, and points SEMINR_R at a copy of seminr's R/ directory (GitHub
# sem-in-r/seminr) with its `seminr::` prefixes removed so that its files can be
# sourced without installing the package. None of their code is committed here.
#
# The pls task does per replicate what seminr's bootstrap_model does (resample rows,
# estimate_pls with the path scheme, HTMT, total effects), with fork parallelism
# (parallel::mclapply, 2 cores) instead of a socket cluster, which cannot see
# sourced functions. Every task prints one JSON-like line of what it computed, so a
# run cannot silently do nothing.
args <- commandArgs(TRUE)
task <- args[1]

if (task == "lmg") {
  suppressMessages(library(relaimpo))
  drivers <- strsplit(args[4], ",")[[1]]
  d <- read.csv(args[2], na.strings = c("", "NA"))[, c(args[3], drivers, "weight")]
  d <- d[complete.cases(d), ]
  cv <- cov.wt(d[, c(args[3], drivers)], wt = d$weight)$cov
  r <- calc.relimp(cv, type = "lmg", rela = FALSE)
  cat(sprintf('{"n": %d, "r2": %.12f, "lmg_sum": %.12f, "lmg_first": %.12f}\n',
              nrow(d), r@R2, sum(r@lmg), r@lmg[1]))
} else if (task == "pls") {
  seminr_r <- Sys.getenv("SEMINR_R")
  for (f in list.files(seminr_r, pattern = "[.]R$", full.names = TRUE)) source(f)
  d <- read.csv(args[2])
  mm <- constructs(
    composite("Image", multi_items("IMAG", 1:5)),
    composite("Expectation", multi_items("CUEX", 1:3)),
    composite("Quality", multi_items("PERQ", 1:7)),
    composite("Value", multi_items("PERV", 1:2)),
    composite("Satisfaction", multi_items("CUSA", 1:3)),
    composite("Complaints", single_item("CUSCO")),
    composite("Loyalty", multi_items("CUSL", 1:3)))
  sm <- relationships(
    paths(from = "Image", to = c("Expectation", "Satisfaction", "Loyalty")),
    paths(from = "Expectation", to = c("Quality", "Value", "Satisfaction")),
    paths(from = "Quality", to = c("Value", "Satisfaction")),
    paths(from = "Value", to = c("Satisfaction")),
    paths(from = "Satisfaction", to = c("Complaints", "Loyalty")),
    paths(from = "Complaints", to = "Loyalty"))
  fit <- suppressMessages(estimate_pls(d, mm, sm))
  replicates <- as.integer(args[3])
  one <- function(i) {
    set.seed(7 + i)
    b <- suppressMessages(estimate_pls(d[sample.int(nrow(d), replace = TRUE), ], mm, sm))
    c(c(b$path_coef), c(b$outer_loadings), c(b$outer_weights), c(HTMT(b)),
      c(total_effects(b$path_coef)))
  }
  boots <- parallel::mclapply(seq_len(replicates), one, mc.cores = 2)
  # Position of the satisfaction -> loyalty path in a replicate's vector (column-major).
  at <- which(rownames(fit$path_coef) == "Satisfaction") +
    (which(colnames(fit$path_coef) == "Loyalty") - 1) * nrow(fit$path_coef)
  sat_loy <- sapply(boots, function(v) v[at])
  cat(sprintf('{"replicates": %d, "path_satisfaction_loyalty": %.6f, "ci": [%.4f, %.4f]}\n',
              length(boots), fit$path_coef["Satisfaction", "Loyalty"],
              quantile(sat_loy, 0.025), quantile(sat_loy, 0.975)))
} else {
  stop("task: lmg or pls")
}
