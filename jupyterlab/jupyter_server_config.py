"""The book's Jupyter server settings, copied into the venv by `make setup`.

Kernel websockets send without delay (TCP_NODELAY). jupyter_server leaves Nagle's
algorithm on, so after the kernel's "busy" message the next small message (a widget's
new figure) waits for the browser's delayed acknowledgement: about 40 ms added to every
slider move. Measured through JupyterLab in headless Chromium, from a key press on a
slider to the new image of a trivial widget: median 51 ms with Nagle, 17 ms without.
"""

from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def _open_without_nagle(self, kernel_id):
    self.set_nodelay(True)
    return await _open(self, kernel_id)


KernelWebsocketHandler.open = _open_without_nagle
