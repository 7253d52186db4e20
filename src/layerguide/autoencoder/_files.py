"""Small file helpers shared by the data cache and the checkpoints.

Everything that lands on disk is written to a temporary file in the same folder and then
moved into place with :func:`os.replace`, which is atomic on POSIX and Windows: a reader
sees the old file or the new one, never half of one, and an interrupted write leaves the
old file untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_write", "cache_dir"]

#: Environment variable that moves every layerguide cache (data, trained models).
CACHE_ENV = "LAYERGUIDE_CACHE"


def cache_dir() -> Path:
    """The user cache folder: ``$LAYERGUIDE_CACHE``, else the platform's user cache folder
    for layerguide (platformdirs: ``~/.cache/layerguide`` on Linux, ``~/Library/Caches/
    layerguide`` on macOS, ``%LOCALAPPDATA%\\layerguide\\Cache`` on Windows).

    A relative ``$LAYERGUIDE_CACHE`` is resolved against the current folder when it is
    read, so the returned path is always absolute. The folder is not created here;
    writers create what they need.
    """
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_cache_path

    return user_cache_path("layerguide", appauthor=False)


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` if the block succeeds.

    On any exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> Path:
    """Call ``write(file)`` on a temporary binary file, then move it onto ``path``.

    Returns the final path. Nothing is written to ``path`` if ``write`` raises.
    """
    target = Path(path)
    with atomic_path(target) as tmp, tmp.open("wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    return target
