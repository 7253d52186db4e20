"""Fixtures for the autoencoder tests: tiny fake MNIST as IDX files, a local HTTP mirror.

Nothing here touches the network or the user's cache: every test gets its own
``LAYERGUIDE_CACHE`` in a temporary folder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from tests.autoencoder.helpers import Mirror, fake_files


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder per test, and no MNIST settings leaking in from the shell."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("LAYERGUIDE_CACHE", str(cache))
    for name in ("LAYERGUIDE_MNIST_DIR", "LAYERGUIDE_MNIST_DOWNLOAD", "LAYERGUIDE_MNIST_MIRRORS"):
        monkeypatch.delenv(name, raising=False)
    return cache


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
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/mnist/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
