#!/bin/sh
# Bench of `contract-gate rehearse` (README "The seam"): a 100,000-file
# repository, 5 agent branches of 1,000 changed files each, rehearsed in
# contract order. Usage: tests/seam/bench_rehearse.sh [path/to/contract-gate]
# (default: target/release/contract-gate; build it with `cargo build --release`).
set -eu
BIN=${1:-target/release/contract-gate}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
DIR=$(mktemp -d "${TMPDIR:-/tmp}/contract-gate-bench-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$DIR"' EXIT INT TERM
cd "$DIR"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main repo
cd repo
git config user.name bench && git config user.email bench@example.invalid

# The contract: five agents, each owning one top directory.
contract() {
  printf '# Context contract — bench\n\n## Worktrees\n'
  for i in 1 2 3 4 5; do printf -- '- wt-%s branch: agents/a%s agent: agent-%s\n' $i $i $i; done
  printf '\n## Scope\n'
  for i in 1 2 3 4 5; do printf -- '- agent-%s: d%s/**\n' $i $i; done
  printf '\n## Interface boundary\n- agent-1 commits to: `helper0(a, b)`, `helper1`, `helper2`, UPLOAD_BUCKET_URL.\n'
  printf '\n## Merge order\n'
  for i in 1 2 3 4 5; do printf '%s. agent-%s\n' $i $i; done
}

# 100,000 files in 10 top directories × 100 subdirectories, via fast-import.
{
  printf 'commit refs/heads/main\ncommitter bench <b@example.invalid> 0 +0000\ndata 4\nbase\n'
  c=$(contract)
  printf 'M 100644 inline CONTRACT.md\ndata %s\n%s\n' "$(printf '%s\n' "$c" | wc -c | tr -d ' ')" "$c"
  awk 'BEGIN {
    for (n = 0; n < 100000; n++) {
      d = n % 10; s = int(n / 10) % 100;
      body = sprintf("export function helper%d(a, b) {\n  return a + b + %d;\n}\n", n, n);
      printf "M 100644 inline d%d/s%d/f%d.ts\ndata %d\n%s\n", d, s, n, length(body), body;
    }
  }'
} | git fast-import --quiet
git reset -q --hard main

# Five branches, each changing 1,000 files of its own directory.
for i in 1 2 3 4 5; do
  {
    printf 'commit refs/heads/agents/a%s\ncommitter bench <b@example.invalid> 0 +0000\ndata 3\nab\nfrom refs/heads/main\n' $i
    awk -v d=$i 'BEGIN {
      k = 0;
      for (n = d; k < 1000; n += 10) {
        body = sprintf("export function helper%d(a, b) {\n  return a * b + %d;\n}\n", n, n);
        printf "M 100644 inline d%d/s%d/f%d.ts\ndata %d\n%s\n", d, int(n / 10) % 100, n, length(body), body;
        k++;
      }
    }'
  } | git fast-import --quiet
done

echo "repository: $(git ls-files | wc -l | tr -d ' ') files; 5 branches × 1,000 changed files"
start=$(date +%s.%N)
set +e
"$BIN" rehearse --base main >/dev/null
code=$?
set -e
end=$(date +%s.%N)
echo "rehearse: exit $code in $(echo "$end - $start" | bc) s"
