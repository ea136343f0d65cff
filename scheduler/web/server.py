"""Starting the page: bind 127.0.0.1 (a free port unless one is given), say where, open the browser.

uvicorn serves the app on a socket we bind ourselves, so the address printed is the one in use;
Ctrl+C stops it cleanly (a plan in progress is asked to stop, and its folder is left whole).
"""

from __future__ import annotations

import logging
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

HOST = "127.0.0.1"


def bind(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1 only; port 0 lets the system choose a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port or 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(data: Path | None, runs_dir: Path, port: int | None, open_browser: bool,
          say: Callable[[str], None] = print) -> None:
    import uvicorn

    from scheduler.web.app import create_app

    sock = bind(port)
    actual = sock.getsockname()[1]
    app, state = create_app(runs_dir, data)
    state.port = actual
    url = f"http://{HOST}:{actual}/"
    # Access logs would carry the addresses of pages; the page never logs what people send.
    logging.getLogger("uvicorn.access").disabled = True
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                            date_header=False, lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    say(f"The scheduler's page is at {url}")
    say(f"Runs are kept in {state.store.root}")
    say("Press Ctrl+C to stop it.")
    if open_browser:
        threading.Timer(0.5, lambda: webbrowser.open(url)).start()
    try:
        server.run(sockets=[sock])
    finally:
        state.jobs.shutdown()
        sock.close()
    say("Stopped.")
