#!/usr/bin/env bash
# The desktop end-to-end test (tests/e2e/workbench.py) in a private D-Bus session, against the
# PostgreSQL in $DATABASE_URL (scripts/pg starts one). Usage: tests/e2e/run.sh BIN_DIR [--screenshots DIR]
# The session bus's own chatter (services it starts for WebKit) goes to a log shown on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_dir="$1"; shift
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(bash "$here/../../scripts/pg" start)"
  export DATABASE_URL
fi
bus_log="$(mktemp)"
trap 'rm -f "$bus_log"' EXIT
if ! dbus-run-session -- /usr/bin/python3 -u "$here/workbench.py" --bin-dir "$bin_dir" "$@" 2>"$bus_log"; then
  echo "===== session bus and stderr (last 60 lines)"; tail -n 60 "$bus_log"
  exit 1
fi
