#!/usr/bin/env bash
# Starts the real desk under Xvfb (in a private D-Bus session) with a fresh data folder and checks
# that its window opens on the demo queue — which it can only draw after round trips through the
# Tauri commands (the traffic-light colours appear only when rows arrived) — and that a screen pop
# (`hotline intake --phone`, which starts a second desk with hotline://intake?phone=...) lands in
# the running desk: the second start hands over and exits, and the running desk's intake form
# holds the number (its draft, saved as the form changes, says so).
# Usage: tests/desktop/smoke.sh BIN_DIR [SCREENSHOT.png]
set -euo pipefail
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${SMOKE_IN_SESSION:-}" ]; then
  exec env SMOKE_IN_SESSION=1 dbus-run-session -- bash "$0" "$@" 2>/dev/null
fi
bins="$1"
app="$bins/hotline-desk"
shot="${2:-$(mktemp --suffix=.png)}"
work="$(mktemp -d)"
display=":$((90 + RANDOM % 9))"
export HOTLINE_DATA_DIR="$work/data"

cleanup() {
  pkill -f "^$app" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done

DISPLAY="$display" "$app" >"$work/app.log" 2>&1 &
app_pid=$!

window="$(DISPLAY="$display" timeout 30 xdotool search --sync --name '热线工作台' | head -n1)" || {
  echo "FAIL: no window titled 热线工作台 within 30 s"; cat "$work/app.log"; exit 1; }

pixels() { convert "$shot" -fill black +opaque "$1" -fill white -opaque "$1" -format '%[fx:round(mean*w*h)]' info:; }
red=0; yellow=0
for _ in $(seq 40); do
  sleep 0.5
  DISPLAY="$display" import -window "$window" "$shot"
  red="$(pixels '#DC2626')"; yellow="$(pixels '#F59E0B')"
  # Rows drawn: their lights. Which colours fill the first screen depends on the hour (the most
  # urgent rows come first; after business hours working-time clocks stand still), so either counts.
  [ $((red + yellow)) -gt 200 ] && break
done
header="$(convert "$shot" -format '%[hex:p{5,5}]' info:)"
echo "window $window, header #${header:0:6}, red-light pixels $red, yellow-light pixels $yellow, screenshot $shot"
if [ "${header:0:6}" != "B91C1C" ] || [ $((red + yellow)) -le 200 ]; then
  echo "FAIL: the queue did not render"; cat "$work/app.log"; exit 1
fi
kill -0 "$app_pid" || { echo "FAIL: the desk exited"; cat "$work/app.log"; exit 1; }
passed=1

# Screen pop through the CLI: a second desk starts with the link, hands it over and exits.
HOTLINE_DESK="$app" DISPLAY="$display" "$bins/hotline" intake --phone 020-8888-1234 >/dev/null
draft=""
for _ in $(seq 40); do
  sleep 0.25
  draft="$("$bins/hotline" store query "SELECT content FROM drafts WHERE form = 'intake'" 2>/dev/null || true)"
  case "$draft" in *02088881234*) break ;; esac
done
desks="$(pgrep -fc "^$app" || true)"
echo "intake draft after the screen pop: $draft; desks running: $desks"
case "$draft" in *02088881234*) ;; *) echo "FAIL: the screen pop did not reach the running desk"; cat "$work/app.log"; exit 1 ;; esac
[ "$desks" = 1 ] || { echo "FAIL: the second desk did not hand over and exit"; exit 1; }
passed=$((passed + 1))
echo "desktop smoke: $passed passed, 0 failed"
