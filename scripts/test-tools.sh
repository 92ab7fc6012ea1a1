# Sourced by scripts/test and scripts/test-editors: every program the tests run, with the Debian package that
# brings it. Each is checked on its own and only the missing ones are installed, so the test command works on a
# machine that already has some of them (docker-registry without htpasswd, say). `server/cli/tests/tidy.rs` checks
# that every program a Rust test spawns is listed here.
TEST_TOOLS=(
  mkfifo:coreutils            # bad-input tests: a FIFO as pacto.yaml
  cp:coreutils
  install:coreutils           # credential tests: the fake `gh`, made executable
  bash:bash                   # shell completion tests: the generated script, sourced
  setpriv:util-linux          # bad-input tests: an unreadable contract, the read-only cache (run as nobody)
  script:bsdutils             # progress bars only on a terminal: a pty
  ps:procps                   # Neovim tests: the server process is gone after :PactoRestart
  git:git                     # git HEAD lenses, one Neovim client per repository
  docker-registry:docker-registry  # the real OCI registry of the push/pull/dependency tests
  htpasswd:apache2-utils      # its basic-auth user
  openssl:openssl             # its TLS certificates
  chromium:chromium           # `pacto doc --serve` and the VS Code graph panel, drawn headless
  tmux:tmux                   # the Neovim screen capture
  python3:python3
  node:nodejs                 # the VS Code extension's tests
  npm:npm
)

# Installs the packages of the missing tools (apt-get update once, only when something is missing).
install_test_tools() {
  local entry tool missing=()
  for entry in "${TEST_TOOLS[@]}"; do
    tool=${entry%%:*}
    command -v "$tool" >/dev/null || missing+=("${entry#*:}")
  done
  # Debian splits venv out of python3; the Neovim tests and the Python test clients need it.
  python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  if ((${#missing[@]})); then
    echo "installing for the tests: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
}
