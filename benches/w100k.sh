#!/bin/sh
# Workload W100k (README "Performance"): a branch adding 100,000 files (1%
# out of scope) against a contract of 200 agents x 20 patterns, every agent
# with a branch of its own. Times the offline `check` against the natural
# floor, `git diff --name-status -M base...head`, run in turn in the same
# loop (outputs to /dev/null, then both through a pipe), and counts the
# `git` processes one check starts.
# Usage: benches/w100k.sh [path/to/contract-gate] [runs]
# (default: target/release/contract-gate, 7 runs; KEEP=1 keeps the repo;
# NAMES=20 adds an Interface boundary committing to 20 names; FILES=N adds
# N files instead of 100,000: benches/w1m.sh is FILES=1000000).
set -eu
BIN=${1:-target/release/contract-gate}
RUNS=${2:-7}
FILES=${FILES:-100000}
case $FILES in 100000) W=W100k ;; 1000000) W=W1M ;; *) W=W$FILES ;; esac
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
DIR=$(mktemp -d "${TMPDIR:-/tmp}/contract-gate-$W-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$DIR"' EXIT INT TERM
cd "$DIR"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main repo
cd repo

# The contract of benches/evaluate.rs: 200 agents, 20 patterns each, all in
# one merge order (so the check asks about every predecessor's branch).
contract() {
  printf '# Context contract — W100k\n\n## Worktrees\n'
  i=0; while [ $i -lt 200 ]; do printf -- '- wt-%s  branch: agents/a%s  agent: agent-%s\n' $i $i $i; i=$((i + 1)); done
  printf '\n## Scope\n'
  awk 'BEGIN { for (i = 0; i < 200; i++) {
    s = "";
    for (j = 0; j < 10; j++) s = s sprintf("src/a%d/mod%d/**, ", i, j);
    for (j = 0; j < 5; j++) s = s sprintf("src/a%d/file%d.ts, ", i, j);
    for (j = 0; j < 3; j++) s = s sprintf("gen/a%d/**/*.gen%d.ts, ", i, j);
    printf "- agent-%d: %sdocs/a%d/*.md, config/a%d.json (additions only)\n", i, s, i, i;
  } }'
  printf '\n## Shared state\n- package.json: agent-0 owns.\n- tsconfig.json: nobody edits.\n'
  # NAMES=N: agent-0 commits to N names (the interface rule's scan runs).
  if [ "${NAMES:-0}" -gt 0 ]; then
    printf '\n## Interface boundary\n- agent-0 commits to: '
    awk -v n="$NAMES" 'BEGIN { for (j = 0; j < n; j++) printf "%s`helper%d(a, b)`", (j ? ", " : ""), j; print "." }'
  fi
  printf '\n## Merge order\n'
  i=0; while [ $i -lt 200 ]; do printf '%s. agent-%s\n' $((i + 1)) $i; i=$((i + 1)); done
}

c=$(contract)
{
  printf 'commit refs/heads/main\ncommitter bench <b@example.invalid> 0 +0000\ndata 4\nbase\n'
  printf 'M 100644 inline CONTRACT.md\ndata %s\n%s\n' "$(printf '%s\n' "$c" | wc -c | tr -d ' ')" "$c"
  printf 'M 100644 inline package.json\ndata 3\n{}\n\n'
  # The committed names live in agent-0's file1.ts.
  h=$(awk -v n="${NAMES:-0}" 'BEGIN { for (j = 0; j < n; j++) printf "export function helper%d(a, b) { return a + b; }\n", j }')
  printf 'M 100644 inline src/a0/file1.ts\ndata %s\n%s\n' "$(printf '%s' "$h" | wc -c | tr -d ' ')" "$h"
  # Every agent's branch: one commit adding one file in its scope.
  awk 'BEGIN { for (i = 0; i < 200; i++) {
    printf "commit refs/heads/agents/a%d\ncommitter bench <b@example.invalid> 0 +0000\ndata 2\na\nfrom refs/heads/main\n", i;
    printf "M 100644 inline src/a%d/file0.ts\ndata 3\nx;\n\n", i;
  } }'
  # agent-7's branch, on top of its own commit: FILES (100,000) added
  # files, 1% of them in agent-8's directories (out of scope).
  printf 'commit refs/heads/agents/a7\ncommitter bench <b@example.invalid> 0 +0000\ndata 6\nw100k\n'
  awk -v n="$FILES" 'BEGIN { for (k = 0; k < n; k++) {
    a = (k % 100 == 0) ? 8 : 7;
    printf "M 100644 inline src/a%d/mod%d/d%d/f%d.ts\ndata 2\n%d\n", a, k % 10, int(k / 10) % 100, k, k % 10;
  } }'
} | git fast-import --quiet
git reset -q --hard main
echo "$W: $(git diff --name-only main...agents/a7 | wc -l | tr -d ' ') files added on agents/a7; contract $(wc -c <CONTRACT.md | tr -d ' ') bytes, 200 agents x 20 patterns, 200 branches"

# Time A (the check) and B (the floor) in turn, RUNS times each, after one
# warm-up of each; report medians and the median of the per-pair ratios.
# Twice: with both outputs written to /dev/null (the strict floor: git
# formats its output but never waits on a reader), and with both read
# through a pipe (`| cat`), as anything that uses the list reads it.
ms() { date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'; }
check() { "$BIN" check --base main --head agents/a7 --format json >/dev/null 2>&1 || [ $? -eq 1 ]; }
floor() { git diff --name-status -M main...agents/a7 >/dev/null; }
check_pipe() { { "$BIN" check --base main --head agents/a7 --format json 2>/dev/null || [ $? -eq 1 ]; } | cat >/dev/null; }
floor_pipe() { git diff --name-status -M main...agents/a7 | cat >/dev/null; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
pairs() { # A B label
  $1; $2
  : >"$DIR/times"
  n=0
  while [ $n -lt "$RUNS" ]; do
    t0=$(ms); $1; t1=$(ms); $2; t2=$(ms)
    echo "$((t1 - t0)) $((t2 - t1))" >>"$DIR/times"
    n=$((n + 1))
  done
  a=$(awk '{ print $1 }' "$DIR/times" | median)
  b=$(awk '{ print $2 }' "$DIR/times" | median)
  r=$(awk '{ printf "%.2f\n", $1 / ($2 > 0 ? $2 : 1) }' "$DIR/times" | median)
  echo "$3: check median ${a} ms, git diff --name-status -M main...agents/a7 median ${b} ms"
  echo "$3: ratio (median of ${RUNS} paired runs): ${r}x (budget 1.3x)"
}
pairs check floor "to /dev/null"
pairs check_pipe floor_pipe "through a pipe"

# The git processes one check starts (GIT_TRACE logs each git start).
GIT_TRACE="$DIR/trace" "$BIN" check --base main --head agents/a7 --format json >/dev/null 2>&1 || true
echo "git processes per check: $(grep -c 'trace: built-in: git\|trace: exec: git' "$DIR/trace" || true) (budget 12)"
