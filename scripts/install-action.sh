#!/usr/bin/env bash
# Installs the contract-gate release binary matching the runner, verified
# against the release's SHA256SUMS; builds from source when no release asset
# fits (an unknown platform, or the action used from a branch or commit).
#   install-action.sh resolve   writes dir, bin and cache-key to GITHUB_OUTPUT
#   install-action.sh install   installs into that dir unless the cache filled it
set -euo pipefail
mode="${1:-install}"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$ACTION_PATH/Cargo.toml" | head -n1)"
case "${RUNNER_OS_NAME}-${RUNNER_ARCH_NAME}" in
  Linux-X64) target=x86_64-unknown-linux-musl ;;
  Linux-ARM64) target=aarch64-unknown-linux-musl ;;
  macOS-X64) target=x86_64-apple-darwin ;;
  macOS-ARM64) target=aarch64-apple-darwin ;;
  Windows-X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
exe=contract-gate
[ "${RUNNER_OS_NAME}" = Windows ] && exe=contract-gate.exe
dir="${RUNNER_TOOL_CACHE:-$HOME/.cache}/contract-gate/${version}/${target:-source}"
mkdir -p "$dir"

# Release assets exist for tags (v1, v1.2.3); a branch or a SHA builds from source.
from_release=false
if [ -n "$target" ] && [[ "${ACTION_REF:-}" =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then
  from_release=true
fi

if [ "$mode" = resolve ]; then
  {
    echo "bin=$dir/$exe"
    echo "bin-dir=$dir"
    if $from_release; then echo "cache-key=contract-gate-${version}-${target}"; else echo "cache-key="; fi
  } >> "$GITHUB_OUTPUT"
  exit 0
fi

if [ -x "$dir/$exe" ]; then
  echo "contract-gate ${version} (${target:-source}) from the cache"
elif $from_release; then
  tag="v${version}"
  base="https://github.com/${ACTION_REPOSITORY}/releases/download/${tag}"
  if [ "${RUNNER_OS_NAME}" = Windows ]; then archive="contract-gate-${tag}-${target}.zip"; else archive="contract-gate-${tag}-${target}.tar.gz"; fi
  tmp="$(mktemp -d)"
  if curl -fsSL --retry 3 -o "$tmp/$archive" "$base/$archive" && curl -fsSL --retry 3 -o "$tmp/SHA256SUMS" "$base/SHA256SUMS"; then
    (cd "$tmp" && grep " ${archive}\$" SHA256SUMS > want && { sha256sum -c want 2>/dev/null || shasum -a 256 -c want; }) \
      || { echo "::error title=contract-gate::checksum mismatch for ${archive}"; exit 1; }
    if [[ "$archive" == *.zip ]]; then unzip -q -o "$tmp/$archive" -d "$tmp/x"; else mkdir -p "$tmp/x" && tar -xzf "$tmp/$archive" -C "$tmp/x"; fi
    cp "$(find "$tmp/x" -name "$exe" -type f | head -n1)" "$dir/$exe"
    chmod +x "$dir/$exe"
  else
    echo "::warning title=contract-gate::no release asset ${archive}; building from source"
  fi
fi
if [ ! -x "$dir/$exe" ]; then
  cargo install --locked --path "$ACTION_PATH" --root "$dir/root" --quiet
  cp "$dir/root/bin/$exe" "$dir/$exe"
fi
"$dir/$exe" --version
