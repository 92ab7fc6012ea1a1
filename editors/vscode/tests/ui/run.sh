#!/usr/bin/env bash
# The UI tests: the packaged .vsix (npm run package) in a real VS Code (code-server), driven from Chromium.
# Installs code-server and puppeteer-core into their cache first (minutes, once; reused afterwards).
# Needs the debug (or $PACTO_BIN's) pacto and pacto-plugin-kubernetes built.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="$(tests/ui/install.sh | tail -n 1)"
PACTO_VSCODE_UI_CACHE="$cache" npm run test-ui
