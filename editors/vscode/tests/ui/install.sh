#!/usr/bin/env bash
# Installs what the VS Code UI tests need into a cache directory outside the clone, once: code-server 4.100.3
# (VS Code 1.100.3, the newest release whose engine is Node 20) and puppeteer-core, which drives Debian's Chromium.
# Reused while tests/ui/package.json is unchanged. Prints the cache directory on its last line.
# The install builds native modules (a few minutes once); measured recipe: ../shared/toolchain-notes.md §6.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${PACTO_VSCODE_UI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pacto/vscode-ui}"
stamp="$(sha256sum "$here/package.json" | cut -c1-16)"

if [[ -f "$cache/.installed-$stamp" && -x "$cache/node_modules/.bin/code-server" ]]; then
  echo "$cache"
  exit 0
fi

# Debian packages for code-server's native modules (argon2, node-pty, kerberos, @vscode/spdlog, keytar), its
# search (ripgrep) and the browser; only the missing ones are installed.
packages=(build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing for the VS Code UI tests: ${missing[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi

# @vscode/ripgrep downloads rg from GitHub in its postinstall unless its cache already holds the asset: hand it
# Debian's rg in the archive it expects (the name carries the version code-server 4.100.3 pins).
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
rg_asset="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$rg_asset" ]]; then
  mkdir -p "$rg_cache"
  tar -czf "$rg_asset.tmp" -C /usr/bin rg
  mv "$rg_asset.tmp" "$rg_asset"
fi

# Built next to the cache and moved into place whole: an interrupted install leaves no half cache behind.
work="$cache.tmp.$$"
trap 'rm -rf "$work"' EXIT
rm -rf "$work"
mkdir -p "$work"
cp "$here/package.json" "$work/"
(
  cd "$work"
  # unsafe_perm: code-server's postinstall refuses root otherwise; yes: node-pty runs `npx node-gyp`.
  npm_config_unsafe_perm=true npm_config_yes=true PUPPETEER_SKIP_DOWNLOAD=1 \
    npm install --no-audit --no-fund >&2
)
touch "$work/.installed-$stamp"
rm -rf "$cache"
mkdir -p "$(dirname "$cache")"
mv "$work" "$cache"
trap - EXIT
echo "$cache"
