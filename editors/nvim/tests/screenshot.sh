#!/usr/bin/env bash
# Neovim 0.11 (the tests' headless build, here with its terminal UI) inside tmux on a copy of examples/payments-api
# with two faults: their diagnostics and a hover on screen. The pane is captured as text and checked (the fault
# codes on their lines, the hover); with PACTO_UPDATE_SCREENSHOTS=1 the captured colours become docs/nvim.png.
# Needs tmux; the server is $PACTO_BIN, default target/debug/pacto.
set -euo pipefail
nvim_dir="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$nvim_dir/../.." && pwd)"
pacto_bin="${PACTO_BIN:-$repo/target/debug/pacto}"
work="$nvim_dir/tests/.work-screenshot"
png="$repo/docs/nvim.png"
COLS=100
ROWS=34
# `-e PATH=…` would not do: the shell tmux runs the command with may set PATH again. The example's dependencies
# live on a public registry, which tests never reach: PACTO_OFFLINE=1.
# The scene gives up on its own after 15 s per wait; this bounds the whole wait for it.
SCENE_TIMEOUT_S=45

if [[ ! -x "$pacto_bin" ]]; then
  echo "pacto not found at $pacto_bin: build it with 'cargo build -p pacto' or set PACTO_BIN" >&2
  exit 1
fi
command -v tmux >/dev/null || { echo 'tmux not found: apt-get install tmux' >&2; exit 1; }
[[ "${PACTO_UPDATE_SCREENSHOTS:-}" == 1 ]] && export PACTO_VENV_PILLOW=1
# shellcheck source=venv.sh
source "$nvim_dir/tests/venv.sh"

rm -rf "$work"
mkdir -p "$work/bin"
ln -s "$(cd "$(dirname "$pacto_bin")" && pwd)/$(basename "$pacto_bin")" "$work/bin/pacto"
cp -r "$repo/examples/payments-api" "$work/payments-api"
# The two faults on screen: an unknown enum value and a health check naming no interface.
sed -i -e 's/^    type: stateful$/    type: statefull/' -e 's/^    interface: rest-api$/    interface: rest-apii/' \
  "$work/payments-api/pacto.yaml"
cat >"$work/tmux.conf" <<'CONF'
set -g default-terminal tmux-256color
set -as terminal-features ',*:RGB'
set -g status off
CONF

socket="pacto-screenshot-$$"
tmux_() { tmux -L "$socket" -f "$work/tmux.conf" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT
ready="$work/ready"
tmux_ new-session -d -s scene -x "$COLS" -y "$ROWS" -c "$work/payments-api" \
  -e "PACTO_SCENE_READY=$ready" -e COLORTERM=truecolor -e PACTO_OFFLINE=1 \
  "env PATH='$work/bin:$PATH' $venv/bin/nvim -i NONE -u '$nvim_dir/tests/minimal_init.lua' -c 'luafile $nvim_dir/tests/screenshot_scene.lua' pacto.yaml"

for ((i = 0; i < SCENE_TIMEOUT_S * 10; i++)); do
  [[ -e "$ready" || -e "$ready.failed" ]] && break
  sleep 0.1
done
if [[ ! -e "$ready" ]]; then
  echo "not ok screenshot_scene: $(cat "$ready.failed" 2>/dev/null || echo "not ready after ${SCENE_TIMEOUT_S}s")"
  tmux_ capture-pane -p -t scene | sed 's/^/#   /'
  exit 1
fi
# Let the terminal UI draw the last frame the scene asked for.
sleep 0.5
tmux_ capture-pane -p -t scene >"$work/pane.txt"
tmux_ capture-pane -p -e -N -t scene >"$work/pane.ansi"

# The pane as a user sees it: each fault's code beside its line, the hover of `scaling.min`.
failures=()
grep -Eq '^E +45 +type: statefull +■ SCHEMA_VIOLATION: ' "$work/pane.txt" || failures+=('SCHEMA_VIOLATION beside type: statefull')
grep -Eq '^E +54 +interface: rest-apii +■ HEALTH_INTERFACE_NOT_FOUND: health interface "rest-apii" ' "$work/pane.txt" ||
  failures+=('HEALTH_INTERFACE_NOT_FOUND beside interface: rest-apii')
grep -Fq 'scaling.min' "$work/pane.txt" || failures+=('the hover of scaling.min')
if ((${#failures[@]})); then
  printf 'not ok screenshot_pane_shows_diagnostics_and_hover: missing %s\n' "${failures[@]}"
  sed 's/^/#   /' "$work/pane.txt"
  exit 1
fi
echo 'ok screenshot_pane_shows_diagnostics_and_hover'

if [[ "${PACTO_UPDATE_SCREENSHOTS:-}" == 1 ]]; then
  "$venv/bin/python" "$nvim_dir/tests/ansi_to_png.py" --columns "$COLS" "$work/pane.ansi" "$png"
  echo "wrote $png"
fi
