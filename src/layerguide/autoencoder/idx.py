"""The canonical MNIST files: IDX parsing and a careful download.

MNIST is distributed as four gzip-compressed IDX files. An IDX file is a 4-byte magic
number (two zero bytes, a type code, the number of dimensions), one big-endian ``int32`` per
dimension, then the values in C order. :func:`parse_idx` reads one and checks every part of
that promise; :func:`encode_idx` writes one (tests use it to serve small fake files).

:func:`download_idx` fetches a split's two files with `pooch <https://www.fatiando.org/pooch>`_
from a list of mirrors, with timeouts and retries, and checks each against the MD5 that
torchvision publishes for it (``torchvision/datasets/mnist.py``; the upstream only
publishes MD5). pooch streams a file into a temporary name in the target folder and moves
it into place only after its checksum matches, so a truncated, corrupted or interrupted
download never leaves a file behind.
"""

from __future__ import annotations

import gzip
import logging
import os
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from layerguide.autoencoder.download import _fetch_file
from layerguide.errors import ArgumentError, DataError

__all__ = [
    "CONNECT_TIMEOUT",
    "FILES",
    "MD5",
    "MIRRORS",
    "MIRRORS_ENV",
    "READ_TIMEOUT",
    "download_idx",
    "encode_idx",
    "parse_idx",
    "read_idx_dir",
]

log = logging.getLogger(__name__)

#: (images file, labels file) for each split, as the mirrors name them.
FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: MD5 of each compressed file, as listed in torchvision's ``MNIST.resources``.
MD5: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

#: Mirrors tried in order (torchvision's ``MNIST.mirrors``, S3 first: it is the reliable one).
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: Environment variable with mirror base URLs (comma or space separated) that replace MIRRORS.
MIRRORS_ENV = "LAYERGUIDE_MNIST_MIRRORS"

_DTYPES: dict[int, np.dtype[Any]] = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
           0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}  # fmt: skip
_CODES = {dtype.str.lstrip("<>|"): code for code, dtype in _DTYPES.items()}


def parse_idx(data: bytes, name: str = "IDX data") -> np.ndarray:
    """Decode IDX bytes (gzip-compressed or not) into an array.

    Parameters
    ----------
    data : bytes
        The file's content. Gzip data (starting with ``1f 8b``) is decompressed first.
    name : str
        How to call the file in error messages.

    Returns
    -------
    ndarray
        The values with the header's shape, in native byte order.

    Raises
    ------
    layerguide.errors.DataError
        Bad gzip stream, bad magic number, unknown type code, or a length that does not
        match the header (truncated or padded file).

    Examples
    --------
    >>> raw = encode_idx(np.arange(6, dtype=np.uint8).reshape(2, 3))
    >>> parse_idx(raw).shape
    (2, 3)
    """
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise DataError(f"parse_idx: {name} is not a valid gzip stream ({exc})") from exc
    if len(data) < 4:
        raise DataError(f"parse_idx: {name} has {len(data)} bytes, fewer than the 4-byte magic")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _DTYPES:
        raise DataError(
            f"parse_idx: {name} has magic {data[:4].hex()}, expected 0000 + type code "
            f"({', '.join(f'{c:02x}' for c in _DTYPES)}) + ndim"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"parse_idx: {name} ends inside its header ({len(data)} < {header} bytes)")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _DTYPES[code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise DataError(
            f"parse_idx: {name} has {len(data)} bytes, but its header {shape} of "
            f"{dtype.name} needs {expected} ({'truncated' if len(data) < expected else 'extra data'})"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def encode_idx(array: np.ndarray) -> bytes:
    """Encode an array as (uncompressed) IDX bytes; the inverse of :func:`parse_idx`.

    Examples
    --------
    >>> encode_idx(np.zeros((1, 2, 2), dtype=np.uint8))[:4].hex()
    '00000803'
    """
    array = np.asarray(array)
    key = array.dtype.str.lstrip("<>|=")
    if key not in _CODES:
        raise DataError(f"encode_idx: dtype {array.dtype} has no IDX type code")
    code = _CODES[key]
    head = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return head + np.ascontiguousarray(array, dtype=_DTYPES[code]).tobytes()


def _check_pair(images: np.ndarray, labels: np.ndarray, where: str) -> None:
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DataError(
            f"{where}: images must be uint8 (N, 28, 28), got {images.dtype} {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1 or len(labels) != len(images):
        raise DataError(
            f"{where}: labels must be uint8 (N,) with N = {len(images)} images, "
            f"got {labels.dtype} {labels.shape}"
        )
    if labels.size and labels.max() > 9:
        raise DataError(f"{where}: label {int(labels.max())} is not a digit 0-9")


def read_idx_dir(folder: str | os.PathLike[str], split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read one split from a folder of IDX files (``.gz`` or already decompressed).

    Returns ``(images, labels)``: uint8 (N, 28, 28) and uint8 (N,).
    Raises FileNotFoundError if a file is missing and :class:`~layerguide.errors.DataError` if one is malformed.
    """
    folder = Path(folder)
    arrays = []
    for gz_name in FILES[split]:
        candidates = [folder / gz_name, folder / gz_name.removesuffix(".gz")]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise FileNotFoundError(f"read_idx_dir: no {gz_name} (or unpacked) in {folder}")
        arrays.append(parse_idx(path.read_bytes(), name=str(path)))
    images, labels = arrays
    _check_pair(images, labels, f"read_idx_dir({str(folder)!r}, {split!r})")
    return images, labels


def mirrors_from_env() -> tuple[str, ...]:
    """Mirror base URLs from ``$LAYERGUIDE_MNIST_MIRRORS``, else :data:`MIRRORS`."""
    env = os.environ.get(MIRRORS_ENV, "")
    urls = tuple(u for u in env.replace(",", " ").split() if u)
    return urls or MIRRORS


#: Seconds to wait for a connection to a mirror. It is short so that with no network every
#: mirror and retry fails within seconds, not minutes.
CONNECT_TIMEOUT = 5.0
#: Seconds to wait for the next bytes of a file once connected.
READ_TIMEOUT = 30.0


def download_idx(
    folder: str | os.PathLike[str],
    split: str,
    *,
    mirrors: Sequence[str] | None = None,
    checksums: Mapping[str, str] | None = None,
    retries: int = 2,
    timeout: float = READ_TIMEOUT,
    connect_timeout: float = CONNECT_TIMEOUT,
    progress: bool = False,
) -> list[Path]:
    """Download the two IDX files of ``split`` into ``folder`` with pooch, verified by MD5.

    Parameters
    ----------
    folder : path-like
        Where the ``.gz`` files go. A file already there with the right checksum is kept.
    split : {"train", "test"}
    mirrors : sequence of str, optional
        Base URLs tried in order; default ``$LAYERGUIDE_MNIST_MIRRORS`` or :data:`MIRRORS`.
    checksums : mapping, optional
        File name → MD5 hex digest; default :data:`MD5`.
    retries : int
        Attempts per mirror and file (network errors and bad checksums both count); pooch
        waits 1 s, 2 s, ... between them.
    timeout, connect_timeout : float
        Seconds to wait for the next bytes of a file, and for a connection.
    progress : bool
        Show a progress bar (tqdm) for each file.

    Returns
    -------
    list of Path
        The two verified files.

    Raises
    ------
    layerguide.errors.DataError
        Every attempt failed; the message lists each URL and why. Nothing is left behind
        but files that were already complete and verified.
    """
    if split not in FILES:
        raise ArgumentError(f"download_idx: split must be one of {sorted(FILES)}, got {split!r}")
    if retries < 1:
        raise ArgumentError(f"download_idx: retries must be >= 1, got {retries}")
    bases = tuple(mirrors) if mirrors is not None else mirrors_from_env()
    sums = dict(MD5 if checksums is None else checksums)
    folder = Path(folder)
    limits = (connect_timeout, timeout)
    done = []
    for name in FILES[split]:
        path, failures = _fetch_file(folder, name, sums[name], bases, retries, limits, progress)
        if path is None:
            raise DataError(
                f"download_idx: could not get a verified {name} from {len(bases)} mirror(s):\n  "
                + "\n  ".join(failures)
            )
        done.append(path)
    return done
