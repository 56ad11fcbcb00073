#!/usr/bin/env bash
# System packages the test suite uses beyond npm, from Debian: python-socketio for the
# stock-Python-client interop test, and Chromium for the browser tests (driven by the
# playwright-core dev dependency with executablePath /usr/bin/chromium; Playwright's
# own browser download is not used). Idempotent; needs root and apt.
set -euo pipefail
need=()
/usr/bin/python3 -c 'import socketio, websocket, requests' 2>/dev/null || need+=(python3-socketio python3-websocket python3-requests)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "python-socketio and chromium are installed"
  exit 0
fi
echo "installing from Debian: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
