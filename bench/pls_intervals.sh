#!/usr/bin/env bash
# PLS bootstrap on ECSI, 5,000 resamples, --threads 2: the cost of intervals for every
# estimate (R², reliability, HTMT, IPMA on top of paths, effects, weights, loadings).
# Whole-process wall and CPU times (GNU time), two binaries run alternately so both
# see the same machine load; medians. Results in bench/pls_intervals.md.
#   bench/pls_intervals.sh BEFORE_BINARY [AFTER_BINARY]   (AFTER: this checkout)
#   RUNS  runs per binary and interval kind (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
before=$1
after=${2:-}
if [ -z "$after" ]; then
  cargo build --release --quiet
  after=${CARGO_TARGET_DIR:-target}/release/sattrace
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for kind in percentile bca; do
  for _ in $(seq "$runs"); do
    for side in before after; do
      bin=$before
      [ "$side" = after ] && bin=$after
      /usr/bin/time -o "$tmp/time" -f "%e %U %S" "$bin" importance fixtures/ecsi --method pls \
        --bootstrap 5000 --seed 7 --threads 2 --ci "$kind" --format json >/dev/null
      echo "$kind $side $(cat "$tmp/time")"
    done
  done
done | python3 -c '
import statistics, sys
rows = {}
for line in sys.stdin:
    kind, side, wall, user, sys_ = line.split()
    rows.setdefault((kind, side), []).append((float(wall), float(user) + float(sys_)))
print("| intervals | binary | runs | wall median (min–max) | CPU median |")
print("|---|---|---|---|---|")
for (kind, side), v in rows.items():
    w = [x for x, _ in v]
    print(f"| {kind} | {side} | {len(v)} | {statistics.median(w):.2f} s ({min(w):.2f}–{max(w):.2f}) | {statistics.median(c for _, c in v):.2f} s |")
'
uptime
