#!/usr/bin/env bash
# Starts the real desktop app under Xvfb with a fresh data folder and checks that its window
# opens and shows the calendar, which it can only draw after a round trip through the Tauri
# command `calendar_year` (the holiday colour appears only when the data arrived).
# Usage: tests/desktop/smoke.sh BINARY [SCREENSHOT.png]
set -euo pipefail
app="$1"
shot="${2:-$(mktemp --suffix=.png)}"
work="$(mktemp -d)"
display=":$((90 + RANDOM % 9))"

cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done

DISPLAY="$display" HOTLINE_DATA_DIR="$work/data" "$app" >"$work/app.log" 2>&1 &
app_pid=$!

window="$(DISPLAY="$display" timeout 30 xdotool search --sync --name '热线工作台' | head -n1)" || {
  echo "FAIL: no window titled 热线工作台 within 30 s"; cat "$work/app.log"; exit 1; }

# Wait until the calendar is drawn: the statutory-holiday colour #FECACA covers some pixels.
holiday_pixels=0
for _ in $(seq 30); do
  sleep 0.5
  DISPLAY="$display" import -window "$window" "$shot"
  holiday_pixels="$(convert "$shot" -fill black +opaque '#FECACA' -fill white -opaque '#FECACA' -format '%[fx:round(mean*w*h)]' info:)"
  [ "$holiday_pixels" -gt 1000 ] && break
done
header="$(convert "$shot" -format '%[hex:p{5,5}]' info:)"
echo "window $window, header colour #${header:0:6}, holiday pixels $holiday_pixels, screenshot $shot"
if [ "${header:0:6}" != "B91C1C" ] || [ "$holiday_pixels" -le 1000 ]; then
  echo "FAIL: the calendar did not render"; cat "$work/app.log"; exit 1
fi
kill -0 "$app_pid" || { echo "FAIL: the app exited"; cat "$work/app.log"; exit 1; }
echo "desktop smoke: 1 passed, 0 failed"
