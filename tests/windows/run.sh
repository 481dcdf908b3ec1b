#!/usr/bin/env bash
# The Windows seat for real, under Wine: builds both installers (scripts/windows-installers), then
# in a throwaway Wine prefix installs the per-machine MSI silently with the centre's server URL,
# checks what it laid down (files, Start-menu entry, the hotline:// scheme, the settings), runs the
# installed hotline.exe (calendar, deadlines, a case, the queue; login and sync against a real
# hotline-server on this machine, its token in Wine's Credential Manager and read back by a second
# process), upgrades to a higher version, uninstalls (only the data folder stays), does the same
# for the per-user setup.exe, and shows that the desk started without WebView2 says so in a Chinese
# dialog and exits non-zero.
# Usage: tests/windows/run.sh LINUX_BIN_DIR [--screenshots DIR]   (LINUX_BIN_DIR: hotline-server)
# PostgreSQL in $DATABASE_URL (scripts/pg starts one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bins="$(cd "$1" && pwd)"
shots=""
[ "${2:-}" = "--screenshots" ] && shots="$(mkdir -p "$3" && cd "$3" && pwd)"
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(bash "$root/scripts/pg" start)"
  export DATABASE_URL
fi

work="$(mktemp -d /tmp/hotline-wine.XXXXXX)"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# A Chinese Windows: its ANSI codepage is 936, as on the centre's seats.
export LANG=zh_CN.UTF-8
db="win_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wineserver -k 2>/dev/null || true
  psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND, counts and prints the outcome
  local what="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
    echo "  ok: $what"
  else
    failed=$((failed + 1))
    echo "  FAILED: $what" >&2
  fi
}
step() { printf '\n== %s ==\n' "$*"; }
drive_c="$WINEPREFIX/drive_c"
win_folder() { winepath -u "$(wine cmd /c echo "%$1%" 2>/dev/null | tr -d '\r')"; } # e.g. APPDATA
# msi LOG ARGS...: msiexec ARGS silently, its verbose log in $work/LOG.
msi() { local log="$1"; shift; wine msiexec "$@" /qn /l*v "$(winepath -w "$work/$log")" >/dev/null 2>&1; }
# reg.exe writes in the console's codepage, 936 on a Chinese Windows.
reg_query() { wine reg query "$@" 2>/dev/null | iconv -f GBK -t UTF-8 | tr -d '\r'; }
has() { grep -q -- "$1" <<<"$2"; }   # a pattern
says() { grep -qF -- "$1" <<<"$2"; } # literal text
not_has() { ! grep -q -- "$1" <<<"$2"; }

step "installers: this version and a higher one (the upgrade)"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -n1)"
IFS=. read -r major minor patch <<<"$version"
upgrade="$major.$minor.$((patch + 1))"
bash "$root/scripts/windows-installers" debug | tail -n2
out="${CARGO_TARGET_DIR:-$root/target}/windows/debug"
mkdir -p "$work/v1" "$work/v2"
mv "$out/hotline-desk.msi" "$out/hotline-desk-setup.exe" "$work/v1/"
HOTLINE_PACKAGE_VERSION="$upgrade" bash "$root/scripts/windows-installers" debug | tail -n2
mv "$out/hotline-desk.msi" "$out/hotline-desk-setup.exe" "$work/v2/"
msi="$work/v1/hotline-desk.msi"

step "msiinfo: the scheme, the shortcut, the upgrade table"
registry="$(msiinfo export "$msi" Registry)"
echo "$registry" | grep -i 'hotline' | cut -f3-5
check "the MSI registers hotline:// as a URL protocol" says $'SOFTWARE\\Classes\\hotline\tURL Protocol' "$registry"
check "hotline:// opens the installed desk with the link" says $'SOFTWARE\\Classes\\hotline\\shell\\open\\command\t\t"[INSTALLDIR]hotline-desk.exe" "%1"' "$registry"
check "SERVER_URL and CA_CERT land in the centre's settings" says $'SOFTWARE\\HotlineDesk\tServerUrl\t[SERVER_URL]' "$registry"
shortcut="$(msiinfo export "$msi" Shortcut)"
echo "$shortcut" | tail -n1 | cut -f1-5
check "the Start-menu shortcut 热线工作台 starts the desk" says $'ProgramMenuFolder\t热线工作台\tStartMenu\t[INSTALLDIR]hotline-desk.exe' "$shortcut"
upgrades="$(msiinfo export "$msi" Upgrade)"
echo "$upgrades" | tail -n +4
check "the upgrade table finds older versions of the same UpgradeCode" says $'{6D1C2D1E-8F1A-4C52-9A7E-3D2F6F0B1A01}\t\t'"$version"$'\t\t1\t\tWIX_UPGRADE_DETECTED' "$upgrades"
check "the MSI refuses to install without WebView2 (launch condition, in Chinese)" has 'WEBVIEW2_MACHINE.*需要 Microsoft Edge WebView2' "$(msiinfo export "$msi" LaunchCondition)"

step "a fresh Wine prefix (Wine $(wine --version | cut -d' ' -f1))"
wine wineboot -i >/dev/null 2>&1
wineserver -w
# Wine 8 lacks Windows 10's bcryptprimitives.dll, which every Rust program imports: a stand-in
# goes where the system's own would be (bcryptprimitives.c says why; the installers carry none).
x86_64-w64-mingw32-gcc -O2 -shared -o "$drive_c/windows/system32/bcryptprimitives.dll" \
  "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32
# A Chinese Windows' dialog font has the Chinese glyphs; Wine's own Tahoma has none.
wine reg add 'HKCU\Software\Wine\Fonts\Replacements' /v Tahoma /d 'Noto Sans CJK SC' /f >/dev/null 2>&1
webview2_key='HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}'

step "MSI without WebView2: refused, nothing installed"
set +e
msi refused.log /i "$(winepath -w "$msi")"
status=$?
set -e
echo "msiexec exit status $status"
check "msiexec fails" test "$status" -ne 0
check "nothing is installed" test ! -e "$drive_c/Program Files/HotlineDesk"

step "hotline-server over HTTPS on this machine, its certificate from the centre's own authority"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=热线中心测试根证书" -utf8 \
  -keyout "$work/ca.key" -out "$work/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/server.key" -out "$work/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' > "$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/san.ext" -out "$work/server.pem" >/dev/null 2>&1
psql "$DATABASE_URL" -qc "CREATE DATABASE $db"
export SERVER_DATABASE_URL="${DATABASE_URL%/*}/$db"
DATABASE_URL="$SERVER_DATABASE_URL" "$bins/hotline-server" migrate >/dev/null
echo 'secret-pass' | DATABASE_URL="$SERVER_DATABASE_URL" "$bins/hotline-server" user add seat1 --role seat --seat-code 01 --password-stdin >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
server="https://127.0.0.1:$port"
DATABASE_URL="$SERVER_DATABASE_URL" "$bins/hotline-server" serve --listen "127.0.0.1:$port" \
  --tls-cert "$work/server.pem" --tls-key "$work/server.key" >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf --cacert "$work/ca.pem" "$server/api/v1/health" >/dev/null 2>&1 && break; sleep 0.2; done
# IT puts the centre's certificate authority on every seat (here where a policy would copy it).
mkdir -p "$drive_c/ProgramData/HotlineDesk"
cp "$work/ca.pem" "$drive_c/ProgramData/HotlineDesk/centre-ca.pem"
ca_win='C:\ProgramData\HotlineDesk\centre-ca.pem'

step "MSI with WebView2 present: msiexec /i hotline-desk.msi SERVER_URL=$server CA_CERT=$ca_win /qn"
# Wine has no WebView2 runtime; its installer's registry record is what the installers check.
wine reg add "$webview2_key" /v pv /d 131.0.2903.99 /f >/dev/null 2>&1
status=0
msi install.log /i "$(winepath -w "$msi")" SERVER_URL="$server" CA_CERT="$ca_win" || status=$?
check "msiexec exit status 0 (was $status)" test "$status" -eq 0
pf="$drive_c/Program Files/HotlineDesk"
ls -la "$pf" | tail -n +2
for f in hotline-desk.exe hotline.exe WebView2Loader.dll; do
  check "installed: C:\\Program Files\\HotlineDesk\\$f" test -f "$pf/$f"
done
# On Windows a per-machine (ALLUSERS=1) shortcut goes to every user's menu; Wine's msi puts it in
# the installing user's ("FIXME: set to AllUsers profile path if ALLUSERS is set", package.c).
check "the MSI is per machine (ALLUSERS=1)" has $'ALLUSERS\t1' "$(msiinfo export "$msi" Property)"
appdata="$(win_folder APPDATA)"
menu="$appdata/Microsoft/Windows/Start Menu/Programs/热线工作台.lnk"
check "Start menu: 热线工作台.lnk" test -f "$menu"
check "the shortcut starts C:\Program Files\HotlineDesk\hotline-desk.exe" grep -q -a 'C:\\Program Files\\HotlineDesk\\hotline-desk.exe' "$menu"
scheme="$(reg_query 'HKLM\Software\Classes\hotline' /s)"
echo "$scheme"
check "HKLM hotline: URL Protocol" has 'URL Protocol' "$scheme"
check "HKLM hotline: open command runs the installed desk with %1" has 'Program Files\\HotlineDesk\\hotline-desk.exe" "%1"' "$scheme"
settings="$(reg_query 'HKLM\Software\HotlineDesk')"
echo "$settings"
check "HKLM\\Software\\HotlineDesk ServerUrl = $server" has "ServerUrl    REG_SZ    $server" "$settings"
check "HKLM\\Software\\HotlineDesk CaCertificate = $ca_win" has "CaCertificate    REG_SZ    C:\\\\ProgramData" "$settings"
# Programs and Features: the DisplayVersion of every 热线工作台 entry, one per line.
installed_versions() {
  reg_query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s \
    | awk '/^HKEY/ { name = ""; ver = "" } /DisplayName +REG_SZ +热线工作台$/ { name = 1 }
           /DisplayVersion +REG_SZ/ { ver = $3 } name && ver { print ver; name = "" }'
}
check "Programs and Features: one 热线工作台, version $version" test "$(installed_versions)" = "$version"

step "the installed hotline.exe: calendar, a deadline, a case, the queue"
hl() { wine "$pf/hotline.exe" "$@" 2>&1 | tr -d '\r'; }
out="$(hl calendar is-workday 2026-10-10)"; echo "$out"
check "calendar: 2026-10-10 (a Saturday) is a make-up working day" has '^workday' "$out"
out="$(hl sla due --from 2026-09-30T16:00:00+08:00 --working-days 1 | head -n1)"; echo "$out"
linux="$(HOTLINE_DATA_DIR="$work/linux-seat" "$bins/hotline" sla due --from 2026-09-30T16:00:00+08:00 --working-days 1 2>/dev/null | head -n1)"
check "sla due: one working day from 30 September ends after the National Day holiday, as on Linux ($linux)" \
  test "$out" = "$linux" -a "$out" = "2026-10-08T23:59:59+08:00"
data="$appdata/hotline-desk"

step "login without --server (the MSI's SERVER_URL), over HTTPS trusting the MSI's CA_CERT"
out="$(echo secret-pass | hl login --user seat1 --password-stdin)"; echo "$out"
check "logged in as seat1 on $server" has "logged in as seat1 (seat) on $server" "$out"
creds="$(reg_query 'HKCU\Software\Wine\Credential Manager' /s)"
check "the token is in Wine's Credential Manager (entry hotline-desk)" has 'hotline-desk' "$creds"
check "the data folder is %APPDATA%\\hotline-desk" test -d "$data"
ls "$data"
out="$(hl case new --kind consultation --phone 13800138000 --text '询问社保卡补办需要哪些材料')"; echo "$out"
number="$(awk 'NF == 2 { print $2 }' <<<"$out" | tail -n1)"
out="$(hl sync --once)"; echo "$out"
check "a second hotline.exe reads the token back and syncs" has 'pushed 1' "$out"
stored="$(psql "$SERVER_DATABASE_URL" -tAc "SELECT count(*) FROM cases")"
check "the case is on the server ($stored case)" test "$stored" -eq 1
out="$(hl queue)"; echo "$out"
check "the queue shows the case $number" has "^$number .*13800138000" "$out"

step "the desk without WebView2, on a display: a Chinese dialog, then a non-zero exit"
display=":$((100 + RANDOM % 100))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 1
DISPLAY="$display" openbox >/dev/null 2>&1 &
pids+=($!)
sleep 1
export DISPLAY="$display"
wait_window() { timeout 60 xdotool search --sync --onlyvisible --name "$1" 2>/dev/null | head -n1 || true; }
# OK on the dialog: focus it and press Enter, as a user would.
confirm() {
  xdotool windowactivate --sync "$1" >/dev/null 2>&1 || true
  xdotool key Return >/dev/null 2>&1 || true
}
# by_hand NAME TITLE PROGRAM...: starts PROGRAM as a user would, waits for its window TITLE
# (in $window), photographs the screen (NAME.png in the screenshots), presses OK and waits for
# the program to end: its output in $work/NAME.log, its exit status in $exit_status.
by_hand() {
  local name="$1" title="$2"
  shift 2
  rm -f "$work/$name.status"
  ( set +e; wine "$@" >"$work/$name.log" 2>&1; echo $? >"$work/$name.status" ) &
  window="$(wait_window "$title")"
  if [ -n "$window" ]; then
    sleep 2
    import -window root "${shots:-$work}/$name.png"
    echo "screenshot: ${shots:-$work}/$name.png"
    confirm "$window"
  fi
  for _ in $(seq 100); do [ -s "$work/$name.status" ] && break; sleep 0.2; done
  exit_status="$(cat "$work/$name.status" 2>/dev/null || true)"
}
by_hand windows-no-webview2 '热线工作台无法启动' "$pf/hotline-desk.exe"
check "a window 热线工作台无法启动 opens" test -n "$window"
check "it says in Chinese what IT must install" has 'WebView2 运行时' "$(cat "$work/windows-no-webview2.log")"
check "OK closes it and the desk exits with status 2 (was $exit_status)" test "$exit_status" = 2
# The telephony system's screen pop goes through the shell to the registered desk (checked with
# the MSI's registration: Wine's HKEY_CLASSES_ROOT shows HKLM's classes only, not a user's own).
wine start 'hotline://intake?phone=13800138000' >/dev/null 2>&1 &
window="$(wait_window '热线工作台无法启动')"
check "hotline://intake?phone=… starts the installed desk (its dialog opens)" test -n "$window"
[ -n "$window" ] && confirm "$window"
wineserver -w

step "upgrade in place: msiexec /i hotline-desk.msi ($upgrade, no properties) /qn"
status=0
msi upgrade.log /i "$(winepath -w "$work/v2/hotline-desk.msi")" || status=$?
check "msiexec exit status 0 (was $status)" test "$status" -eq 0
check "Programs and Features: one 热线工作台, now version $upgrade (was: $(installed_versions | tr '\n' ' '))" test "$(installed_versions)" = "$upgrade"
check "the desk is still installed" test -f "$pf/hotline-desk.exe"
check "the upgrade kept the centre's server" has "ServerUrl    REG_SZ    $server" "$(reg_query 'HKLM\Software\HotlineDesk')"
out="$(hl sync --once || true)"; echo "$out"
check "the seat's session and data survived the upgrade (sync --once)" has 'pending 0' "$out"
check "the seat's case is still in its queue" has "^$number " "$(hl queue)"

step "the token and the store's key live in Credential Manager and nowhere else"
creds="$(reg_query 'HKCU\Software\Wine\Credential Manager' /s)"
check "Credential Manager holds the store's key" has 'store-key#' "$creds"
check "the store is encrypted: it does not read as SQLite" not_has 'SQLite format 3' "$(head -c 15 "$data/hotline.db" | tr -d '\0')"
check "the seat's case is in its queue before" has "^$number " "$(hl queue)"
wine reg delete 'HKCU\Software\Wine\Credential Manager' /f >/dev/null 2>&1
out="$(hl sync --once || true)"; echo "$out"
check "with Credential Manager emptied the seat is logged out" has 'not logged in' "$out"
check "and its store, unreadable without its key, starts again (no crash, no case)" not_has "^$number " "$(hl queue)"
check "no file in the data folder holds a session" test -z "$(grep -rl -a 'Bearer\|token' "$data" --include='*.json' 2>/dev/null)"

step "uninstall: msiexec /x hotline-desk.msi /qn"
status=0
msi uninstall.log /x "$(winepath -w "$work/v2/hotline-desk.msi")" || status=$?
check "msiexec exit status 0 (was $status)" test "$status" -eq 0
check "C:\\Program Files\\HotlineDesk is gone" test ! -e "$pf"
check "the Start-menu entry is gone" test ! -e "$menu"
# (Wine's msi leaves the emptied keys behind; no value is left in them.)
check "hotline:// is no longer registered" not_has 'REG_' "$(reg_query 'HKLM\Software\Classes\hotline' /s)"
check "the centre's settings are gone" not_has 'REG_' "$(reg_query 'HKLM\Software\HotlineDesk')"
check "Programs and Features lists no 热线工作台" test -z "$(installed_versions)"
check "the user's data folder stays (cases not yet synced are never lost)" test -f "$data/hotline.db"

step "per-user setup.exe without WebView2: refused with exit status 3, nothing installed"
wine reg delete "$webview2_key" /f >/dev/null 2>&1
setup="$(winepath -w "$work/v1/hotline-desk-setup.exe")"
status=0
wine "$setup" /S >/dev/null 2>&1 || status=$?
wineserver -w
local_programs="$(win_folder LOCALAPPDATA)/Programs/HotlineDesk"
check "setup.exe exit status 3 (was $status)" test "$status" -eq 3
check "nothing is installed" test ! -e "$local_programs"
# Started by hand, it says why in Chinese.
by_hand windows-setup-no-webview2 '热线工作台' "$setup"
check "setup.exe started by hand shows its refusal in a window" test -n "$window"
check "and exits with status 3 once it is read (was $exit_status)" test "$exit_status" = 3

step "setup.exe /S /SERVER_URL=$server /CA_CERT=$ca_win (no administrator)"
wine reg add "$webview2_key" /v pv /d 131.0.2903.99 /f >/dev/null 2>&1
status=0
wine "$setup" /S "/SERVER_URL=$server" "/CA_CERT=$ca_win" >/dev/null 2>&1 || status=$?
wineserver -w
check "setup.exe exit status 0 (was $status)" test "$status" -eq 0
for f in hotline-desk.exe hotline.exe WebView2Loader.dll uninstall.exe; do
  check "installed: %LOCALAPPDATA%\\Programs\\HotlineDesk\\$f" test -f "$local_programs/$f"
done
check "Start menu: 热线工作台.lnk" test -f "$menu"
scheme="$(reg_query 'HKCU\Software\Classes\hotline\shell\open\command')"
check "HKCU hotline:// opens the user's desk with %1" has 'Programs\\HotlineDesk\\hotline-desk.exe" "%1"' "$scheme"
check "HKCU\\Software\\HotlineDesk ServerUrl = $server" has "ServerUrl    REG_SZ    $server" "$(reg_query 'HKCU\Software\HotlineDesk')"
check "Programs and Features (user): 热线工作台 $version" has "DisplayVersion    REG_SZ    $version" \
  "$(reg_query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\HotlineDesk')"
out="$(echo secret-pass | wine "$local_programs/hotline.exe" login --user seat1 --password-stdin 2>&1 | tr -d '\r')"; echo "$out"
check "the user's hotline.exe logs in to the setup's server over HTTPS" has "logged in as seat1 (seat) on $server" "$out"
out="$(wine "$local_programs/hotline.exe" sync --once 2>&1 | tr -d '\r')"; echo "$out"
check "and syncs with the token read back from Credential Manager" has 'pending 0' "$out"

step "uninstall the per-user desk: uninstall.exe /S"
wine "$local_programs/uninstall.exe" /S >/dev/null 2>&1 || true
wineserver -w
check "%LOCALAPPDATA%\\Programs\\HotlineDesk is gone" test ! -e "$local_programs"
check "the Start-menu entry is gone" test ! -e "$menu"
check "HKCU hotline:// is gone" not_has 'REG_' "$(reg_query 'HKCU\Software\Classes\hotline' /s)"
check "HKCU\\Software\\HotlineDesk is gone" not_has 'REG_' "$(reg_query 'HKCU\Software\HotlineDesk')"
check "Programs and Features (user) lists no 热线工作台" not_has 'REG_' "$(reg_query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\HotlineDesk')"
check "the user's data folder stays" test -f "$data/hotline.db"

echo
echo "Windows seat under Wine: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
