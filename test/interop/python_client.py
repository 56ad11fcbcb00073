"""A stock python-socketio client: connects with a token, runs commands, prints JSON results.

Usage: python3 python_client.py URL TOKEN TRANSPORT
"""
import json
import sys
import threading

import socketio

url, token, transport = sys.argv[1], sys.argv[2], sys.argv[3]
results = {}
connected = threading.Event()
pong = threading.Event()

sio = socketio.Client(reconnection=False)


@sio.on("connected")
def on_connected(data):
    results["connected"] = data
    connected.set()


@sio.on("pong")
def on_pong(data):
    results["pong"] = data
    pong.set()


sio.connect(url, auth={"token": token}, transports=[transport], wait_timeout=10)
if not connected.wait(10):
    raise SystemExit("no connected event")
results["ping_ack"] = sio.call("ping", timeout=10)
results["echo_ack"] = sio.call("echo", {"hello": "from python"}, timeout=10)
results["bad_ack"] = sio.call("auth:refresh", {"nope": 1}, timeout=10)
pong.wait(10)
sio.disconnect()
print(json.dumps(results))
