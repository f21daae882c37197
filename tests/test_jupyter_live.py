"""A chapter's explorer, live: a Jupyter server on localhost runs the code cells of
book/how_to_use.ipynb on the book's kernel; a client speaking the widget protocol,
as JupyterLab does, moves a slider; the kernel must send a new figure."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from tornado.ioloop import IOLoop
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
TOKEN = uuid.uuid4().hex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, path, method="GET", body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def server():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={ROOT}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            api(port, "/api/status")
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("the Jupyter server did not start")
    yield port
    process.terminate()
    process.wait(timeout=30)


def message(msg_type, content, channel="shell"):
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "msg_type": msg_type,
            "username": "test",
            "session": uuid.uuid4().hex,
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": channel,
        "buffers": [],
    }


async def drive(port, kernel_id, code):
    url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={TOKEN}"
    ws = await websocket_connect(url)
    models = {}  # comm id -> state

    async def until_idle(parent_id, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            raw = await ws.read_message()
            msg = json.loads(raw)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "comm_open":
                models[content["comm_id"]] = dict(content["data"].get("state", {}))
            elif kind == "comm_msg" and content["data"].get("method") == "update":
                models.setdefault(content["comm_id"], {}).update(content["data"]["state"])
            elif kind == "error":
                raise AssertionError("\n".join(content["traceback"]))
            if (
                kind == "status"
                and content["execution_state"] == "idle"
                and msg["parent_header"].get("msg_id") == parent_id
            ):
                return
        raise AssertionError("the kernel did not finish in time")

    request = message(
        "execute_request",
        {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
        },
    )
    await ws.write_message(json.dumps(request))
    await until_idle(request["header"]["msg_id"])

    sliders = [cid for cid, s in models.items() if s.get("_model_name") == "SelectionSliderModel"]
    outputs = [cid for cid, s in models.items() if s.get("_model_name") == "OutputModel"]
    assert sliders and outputs, "the explorer created no slider or no output widget"
    before = {cid: json.dumps(models[cid].get("outputs")) for cid in outputs}
    # move the explorer's first slider to another value, as a frontend would
    slider = sliders[0]
    new_index = 0 if models[slider].get("index") else 1
    move = message(
        "comm_msg",
        {
            "comm_id": slider,
            "data": {"method": "update", "state": {"index": new_index}, "buffer_paths": []},
        },
    )
    await ws.write_message(json.dumps(move))
    await until_idle(move["header"]["msg_id"])
    ws.close()
    after = {cid: json.dumps(models[cid].get("outputs")) for cid in outputs}
    return before, after


def test_moving_a_slider_redraws_the_figure(server):
    kernel = api(server, "/api/kernels", "POST", {"name": "optbook"})
    notebook = json.loads((ROOT / "book" / "how_to_use.ipynb").read_text())
    code = "\n".join(
        "".join(c["source"])
        for c in notebook["cells"]
        if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])
    )
    code += "\nimport matplotlib; matplotlib.use('Agg')\nfrom IPython.display import display\n"
    code += "display(explorer)\n"
    try:
        before, after = IOLoop.current().run_sync(
            lambda: drive(server, kernel["id"], code), timeout=300
        )
    finally:
        api(server, f"/api/kernels/{kernel['id']}", "DELETE")
    changed = [cid for cid in after if after[cid] != before[cid]]
    assert changed, "moving the slider did not change any figure"
    assert all("image/png" in after[cid] for cid in changed)
