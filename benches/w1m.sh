#!/bin/sh
# Workload W1M (README "Performance"): W100k with 1,000,000 added files
# instead of 100,000 (1% out of scope), the same contract and branches.
# Usage: benches/w1m.sh [path/to/contract-gate] [runs] (as benches/w100k.sh;
# building the repository takes about a minute).
FILES=1000000 exec "$(dirname "$0")/w100k.sh" "$@"
