"""The network part of :func:`~layerguide.autoencoder.idx.download_idx`: one file, many mirrors.

pooch fetches each file with timeouts and retries and keeps it only once its MD5 matches;
a failed attempt is reduced to a one-line reason for the error message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# download_idx's attempts are logged under the name they always had.
log = logging.getLogger("layerguide.autoencoder.idx")

_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")
_INCOMPLETE = re.compile(r"IncompleteRead\([^)]*\)")


def _reason(exc: BaseException, timeout: tuple[float, float]) -> str:
    """A one-line reason for a failed attempt (requests' messages run over several lines)."""
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.ConnectTimeout):
        return f"no connection within {timeout[0]:g} s"
    if isinstance(exc, requests.Timeout):
        return f"no data for {timeout[1]:g} s"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        found = _INCOMPLETE.search(str(exc))
        return f"the connection broke off ({found.group(0) if found else 'incomplete file'})"
    if isinstance(exc, requests.ConnectionError):
        found = _ERRNO.search(str(exc))
        return f"cannot connect ({found.group(0) if found else type(exc).__name__})"
    if isinstance(exc, ValueError) and "hash" in str(exc).lower():
        return "checksum mismatch (truncated or corrupted file)"
    return f"{type(exc).__name__}: {exc}".splitlines()[0]


@contextmanager
def _pooch_quiet() -> Iterator[None]:
    """pooch logs each download and retry at INFO; we print one notice and one error."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _fetch_file(
    folder: Path,
    name: str,
    md5: str,
    bases: tuple[str, ...],
    retries: int,
    limits: tuple[float, float],
    progress: bool,
) -> tuple[Path | None, list[str]]:
    """Fetch ``name`` from the first mirror that delivers it verified; else None and why."""
    import pooch

    failures: list[str] = []
    for base in bases:
        url = base.rstrip("/") + "/"
        fetcher = pooch.create(
            path=folder,
            base_url=url,
            registry={name: f"md5:{md5}"},
            retry_if_failed=retries - 1,
        )
        downloader = pooch.HTTPDownloader(progressbar=progress, timeout=limits)
        try:
            with _pooch_quiet():
                path = fetcher.fetch(name, downloader=downloader)
        except (OSError, ValueError) as exc:  # requests' errors are OSErrors
            failures.append(f"{url}{name}: {_reason(exc, limits)} ({retries} attempts)")
            log.info("download_idx: %s", failures[-1])  # the error lists them all
            continue
        return Path(path), failures
    return None, failures
