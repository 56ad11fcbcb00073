#!/usr/bin/env bash
# System packages the test suite uses beyond npm: python-socketio (Debian's build)
# for the stock-Python-client interop test. Idempotent; needs root and apt.
set -euo pipefail
if /usr/bin/python3 -c 'import socketio, websocket, requests' 2>/dev/null; then
  echo "python-socketio is installed"
  exit 0
fi
echo "installing python3-socketio (Debian)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3-socketio python3-websocket python3-requests
