# Sourced by scripts/run and scripts/test: moves to the repository root and provides
# step/warn and the install-if-missing helpers. Not meant to be run on its own.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
if [ -d "$HOME/.cargo/bin" ] && [[ ":$PATH:" != *":$HOME/.cargo/bin:"* ]]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi

TARGET_DIR="${CARGO_TARGET_DIR:-target}"

step() { printf '\n== %s ==\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }

APT_UPDATED=""
# apt_install PKG...: installs Debian/Ubuntu packages, running `apt-get update` once per script.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "error: need root or sudo to install: $*" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; install by hand: $*" >&2
    exit 1
  fi
  if [ -z "$APT_UPDATED" ]; then
    step "apt-get update"
    "${sudo[@]}" apt-get update
    APT_UPDATED=1
  fi
  step "apt-get install -y $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# version_lt A B: true if version A is older than version B.
version_lt() { [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$1" ]; }

# ensure_rust: cargo, rustc and a C linker, from the distribution if missing.
ensure_rust() {
  local need=() msrv have
  msrv="$(sed -n 's/^rust-version *= *"\(.*\)"/\1/p' Cargo.toml)"
  if ! command -v cargo >/dev/null 2>&1; then
    warn "cargo not found: installing the distribution's cargo and rustc (rustup cannot download here)." \
      "This workspace needs Rust ${msrv:-?} or newer; an older distribution toolchain will fail to build it."
    need+=(cargo rustc)
  fi
  command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
  if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
  have="$(rustc --version | awk '{print $2}')"
  if [ -n "$msrv" ] && version_lt "$have" "$msrv"; then
    warn "rustc $have is older than the workspace's rust-version $msrv; the build will likely fail." \
      "Install Rust $msrv+ (e.g. with rustup) and re-run."
  fi
}

# ensure_lints: rustfmt and clippy (the test command's format and lint gates).
ensure_lints() {
  if cargo fmt --version >/dev/null 2>&1 && cargo clippy --version >/dev/null 2>&1; then return; fi
  if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy
  else
    apt_install rustfmt rust-clippy
  fi
}

# ensure_node: node and npm, from the distribution if missing.
ensure_node() {
  local need=()
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
}

# ensure_desktop: what building the Tauri shell and running it under Xvfb needs (STACK-NOTES.md),
# keyutils, GNOME Keyring and libsecret's tool for the tests that keep session tokens in a real
# kernel keyring and a real Secret Service, and python3 for the fault test's checker.
ensure_desktop() {
  local pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
    libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev pkg-config file
    xvfb xauth imagemagick x11-utils xdotool fonts-noto-cjk keyutils python3
    libdbus-1-dev dbus gnome-keyring libsecret-tools webkit2gtk-driver python3-dbusmock dunst)
  ensure_packages "${pkgs[@]}"
}

# The seat's store is encrypted and its key kept in the OS credential store (as the session token
# is): Secret Service on a Linux desktop, else the kernel keyring of the session.

# in_test_keyring: re-runs the calling script ("$0" "$@") inside a private session keyring, so the
# tests' store keys and tokens go to a keyring discarded at the end, never to the developer's own
# Secret Service (its bus is unset inside). A machine without a session keyring (a container, CI)
# keeps a kernel key only for a process that possesses its keyring: this gives them one.
in_test_keyring() {
  if [ -n "${HOTLINE_TEST_KEYRING:-}" ]; then return 0; fi
  ensure_packages keyutils
  export HOTLINE_TEST_KEYRING=1
  exec env -u DBUS_SESSION_BUS_ADDRESS keyctl session - bash "$0" "$@"
}

# with_credential_store CMD...: runs CMD where the OS credential store keeps the store's key from
# one run to the next. A desktop session has its Secret Service; a machine without one (a server
# console, a container) gets a private session bus with GNOME Keyring, whose keyring lives in a
# folder of its own (~/.local/state/hotline-desk/keyring, never the user's login keyring) unlocked
# with a fixed password: a demonstration machine's arrangement, not a seat's (seats are Windows,
# with Credential Manager).
with_credential_store() {
  if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then "$@"; return; fi
  ensure_packages dbus gnome-keyring
  local home="${XDG_STATE_HOME:-$HOME/.local/state}/hotline-desk/keyring"
  mkdir -p "$home" && chmod 700 "$home"
  KEYRING_HOME="$home" dbus-run-session -- bash -c '
    eval "$(printf hotline-desk | env HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
    exec "$@"' bash "$@" 2> >(grep -v "^dbus-daemon\[" >&2)
}

# ensure_packages P...: installs those of the distribution packages P not installed yet.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

# ensure_report_tools: a Chinese font for the server's PDF reports, and what the report tests
# open the exports with (LibreOffice headless for the XLSX, poppler for the PDF).
ensure_report_tools() {
  ensure_packages fonts-noto-cjk poppler-utils libreoffice-calc-nogui
}

# ensure_test_clock: libfaketime (Debian's faketime), which the sync tests use to run a
# hotline-server whose clock stands on another day than the machine's (a centre in December).
ensure_test_clock() {
  ensure_packages faketime curl
}

# ensure_tauri_driver: the WebDriver bridge the desktop end-to-end test drives the desk through
# (with WebKitWebDriver from webkit2gtk-driver, which ensure_desktop installs). About a minute once.
ensure_tauri_driver() {
  command -v tauri-driver >/dev/null 2>&1 && return
  step "cargo install tauri-driver --locked"
  cargo install tauri-driver --locked
}

# ensure_windows_target: what cross-building the desk for the seats' Windows needs: the Rust
# target (with rustup) and the MinGW-w64 linker.
ensure_windows_target() {
  if command -v rustup >/dev/null 2>&1; then
    rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu
  else
    warn "rustup not found: the x86_64-pc-windows-gnu standard library must already be installed"
  fi
  command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || apt_install gcc-mingw-w64-x86-64
}

# ensure_windows_packaging: the installers' builders (wixl and msibuild from msitools, makensis)
# and Wine to try them on (scripts/windows-installers, tests/windows/run.sh).
ensure_windows_packaging() {
  local missing=()
  command -v wixl >/dev/null 2>&1 || missing+=(wixl)
  command -v msiinfo >/dev/null 2>&1 || missing+=(msitools)
  command -v makensis >/dev/null 2>&1 || missing+=(nsis)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

ensure_wine() {
  local missing=()
  command -v wine >/dev/null 2>&1 || missing+=(wine wine64)
  command -v openbox >/dev/null 2>&1 || missing+=(openbox)
  command -v import >/dev/null 2>&1 || missing+=(imagemagick)
  command -v xdotool >/dev/null 2>&1 || missing+=(xdotool)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  # The seats' Windows is Chinese (ANSI codepage 936): Wine takes it from the Unix locale.
  if ! locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8'; then
    [ -d /usr/share/i18n/locales ] || apt_install locales
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
  fi
}

# build_ui: the Svelte front end into ui/dist, which the shell embeds at compile time.
build_ui() {
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    step "npm ci (ui)"
    (cd ui && npm ci --no-audit --no-fund)
  fi
  step "ui: svelte-check and vite build"
  (cd ui && npm run check && npm run build)
}
