#!/usr/bin/env bash
# Installs the contract-gate release binary matching the runner, verified
# against checksums pinned in the action itself (checksums/v<version>.sha256,
# committed in the tagged commit by the release workflow), never against a
# file fetched from the release (its SHA256SUMS is for people; this script never
# reads it): a tampered release fails. A cached binary is
# re-verified on every run. From a branch or a commit (no release assets) the
# binary is built from the action's own source, on every run.
#   install-action.sh resolve   writes bin, bin-dir and cache-key to GITHUB_OUTPUT
#   install-action.sh install   installs into that dir unless the cache filled it
# CONTRACT_GATE_RELEASE_BASE overrides the download URL (tests use file://);
# it cannot weaken anything, since every byte is checked against the pins.
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
tag="v${version}"
pins="$ACTION_PATH/checksums/${tag}.sha256"
name="contract-gate-${tag}-${target}"
if [ "${RUNNER_OS_NAME}" = Windows ]; then archive="${name}.zip"; else archive="${name}.tar.gz"; fi

fail() {
  echo "::error title=contract-gate::$1"
  exit 1
}

# Release assets exist for tags (v1, v1.2.3); a branch or a SHA builds from source.
from_release=false
if [ -n "$target" ] && [[ "${ACTION_REF:-}" =~ ^v[0-9]+(\.[0-9]+){0,2}$ ]]; then
  from_release=true
fi

# The pinned SHA-256 of an entry (an archive, or NAME/EXE inside it).
pinned() {
  awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }' "$pins"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# verify FILE ENTRY: the file's hash is the one pinned for ENTRY.
verify() {
  local want got
  want="$(pinned "$2")"
  [ -n "$want" ] || fail "no checksum pinned for $2 in checksums/${tag}.sha256"
  got="$(sha256_of "$1")"
  [ "$got" = "$want" ]
}

download() {
  local base tmp bin
  base="${CONTRACT_GATE_RELEASE_BASE:-https://github.com/${ACTION_REPOSITORY}/releases/download/${tag}}"
  tmp="$(mktemp -d)"
  curl -fsSL --retry 3 -o "$tmp/$archive" "$base/$archive" \
    || fail "could not download ${archive} from ${base}"
  verify "$tmp/$archive" "$archive" \
    || fail "checksum mismatch for ${archive}: it is not the pinned release asset"
  mkdir -p "$tmp/x"
  if [[ "$archive" == *.zip ]]; then unzip -q -o "$tmp/$archive" -d "$tmp/x"; else tar -xzf "$tmp/$archive" -C "$tmp/x"; fi
  bin="$tmp/x/$name/$exe"
  [ -f "$bin" ] || fail "${archive} holds no ${name}/${exe}"
  verify "$bin" "$name/$exe" || fail "checksum mismatch for ${name}/${exe} inside ${archive}"
  mkdir -p "$dir"
  cp "$bin" "$dir/$exe"
  chmod +x "$dir/$exe"
  rm -rf "$tmp"
}

if $from_release && [ ! -f "$pins" ]; then
  fail "no checksums pinned for ${tag} in this action (checksums/${tag}.sha256): refusing an unverifiable release binary"
fi

if [ "$mode" = resolve ]; then
  {
    echo "bin=$dir/$exe"
    echo "bin-dir=$dir"
    if $from_release; then echo "cache-key=contract-gate-${version}-${target}"; else echo "cache-key="; fi
  } >> "$GITHUB_OUTPUT"
  exit 0
fi

if $from_release; then
  if [ -f "$dir/$exe" ] && verify "$dir/$exe" "$name/$exe"; then
    echo "contract-gate ${version} (${target}) from the cache, checksum verified"
  else
    if [ -e "$dir/$exe" ]; then
      echo "::warning title=contract-gate::the cached binary does not match the pinned checksum; downloading again"
      rm -f "$dir/$exe"
    fi
    download
  fi
else
  # No pins for a branch or a commit: never reuse a binary from an earlier run.
  rm -rf "$dir"
  mkdir -p "$dir"
  cargo install --locked --path "$ACTION_PATH" --root "$dir/root" --quiet
  cp "$dir/root/bin/$exe" "$dir/$exe"
fi
"$dir/$exe" --version
