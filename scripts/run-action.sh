#!/usr/bin/env bash
# Maps the action's inputs (passed through env, never interpolated into the
# script) to contract-gate's flags and runs it.
set -euo pipefail

bin="${CONTRACT_GATE_BIN:-contract-gate}"
args=()
case "${INPUT_COMMAND:-check}" in
  check) args+=(event) ;;
  sweep) args+=(sweep --base "${GITHUB_BASE_REF:-${GITHUB_REF_NAME:-}}") ;;
  *) echo "::error title=contract-gate::input command must be check or sweep, not '${INPUT_COMMAND}'"; exit 2 ;;
esac
# shellcheck disable=SC2086 # contract paths are split on whitespace on purpose
for c in ${INPUT_CONTRACT:-}; do
  args+=(--contract "$c")
done
args+=(--unassigned "${INPUT_UNASSIGNED:-allow}" --format "${INPUT_FORMAT:-text}")
if [ -n "${INPUT_ARGS:-}" ]; then
  # shellcheck disable=SC2206 # extra arguments are space-separated by design
  extra=(${INPUT_ARGS})
  args+=("${extra[@]}")
fi
exec "$bin" "${args[@]}"
