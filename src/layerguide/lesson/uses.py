"""Chapter 9 as code: what an autoencoder is for, and what it is not, measured.

- :func:`codes_of` flattens a model's codes; :func:`pca` projects them on their two main
  axes (NumPy's SVD, no scikit-learn) and :func:`nearest_label_agreement` asks how often a
  code's nearest neighbour shows the same digit.
- :func:`code_path` decodes the straight line between two codes; :func:`pixel_path` blends
  the two images instead, for comparison; :func:`grey_share` counts the undecided pixels.
- :func:`as_digit` turns any grey or colour picture into a 28 × 28 input;
  :func:`stripes` draws a pattern no digit looks like; :func:`image_scores` gives each
  image's BCE, its floor and MSE, so a reconstruction can be judged image by image.
- :func:`zlib_sizes` counts the bytes a general lossless compressor needs per digit.

>>> p = pca(np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0], [2.0, 1.0], [2.0, -1.0]]))
>>> p.points.shape, p.explained.round(3).tolist()
((5, 2), [0.8, 0.2])
"""

from __future__ import annotations

import zlib
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import ArrayLike, NDArray

from layerguide.autoencoder._images import as_images
from layerguide.autoencoder.encoder import Code
from layerguide.autoencoder.models import Autoencoder
from layerguide.errors import ArgumentError

__all__ = [
    "Projection",
    "Scores",
    "as_digit",
    "code_path",
    "codes_of",
    "first_of",
    "grey_share",
    "image_scores",
    "nearest_label_agreement",
    "pca",
    "pixel_path",
    "stripes",
    "zlib_sizes",
]

#: Images per forward pass when encoding many digits (bounds memory).
BATCH = 500


@torch.no_grad()
def codes_of(model: Autoencoder, images: ArrayLike) -> NDArray[np.float64]:
    """The codes of ``images`` (N, 1, 28, 28), each flattened: (N, code_size), float64."""
    x = as_images(torch.as_tensor(np.asarray(images)), "codes_of")
    was_training = model.training
    model.eval()
    parts = [model.encode(x[i : i + BATCH]).values.flatten(1) for i in range(0, len(x), BATCH)]
    model.train(was_training)
    return torch.cat(parts).double().numpy()


class Projection(NamedTuple):
    """Points projected on their principal axes."""

    points: NDArray[np.float64]  #: (N, k) coordinates along the k axes
    explained: NDArray[np.float64]  #: (k,) fraction of the total variance along each axis
    axes: NDArray[np.float64]  #: (k, D) the axes, unit vectors, largest variance first
    mean: NDArray[np.float64]  #: (D,) the mean that was subtracted


def pca(x: ArrayLike, k: int = 2) -> Projection:
    """Principal component analysis of the rows of ``x`` (N, D) through NumPy's SVD.

    Centre the rows, take ``U S Vᵀ = X − mean``: the rows of ``Vᵀ`` are the axes, the
    coordinates are ``U S`` and an axis's share of the variance is its ``s²`` over the sum.
    Each axis's sign is fixed so that its largest entry is positive (SVD may flip it).
    """
    data = np.asarray(x, dtype=np.float64)
    if data.ndim != 2 or len(data) < 2:
        raise ArgumentError(f"pca: x must be (N, D) with N >= 2, got shape {data.shape}")
    if not isinstance(k, int) or not 1 <= k <= min(data.shape):
        raise ArgumentError(f"pca: k must be an int in 1..{min(data.shape)}, got {k!r}")
    mean = data.mean(axis=0)
    _, s, vt = np.linalg.svd(data - mean, full_matrices=False)  # (N, r), (r,), (r, D)
    total = float((s**2).sum())
    if total == 0:
        raise ArgumentError("pca: all rows of x are equal; there is no variance to explain")
    axes = vt[:k] * np.sign(vt[:k][np.arange(k), np.abs(vt[:k]).argmax(axis=1)])[:, None]
    return Projection((data - mean) @ axes.T, s[:k] ** 2 / total, axes, mean)


def nearest_label_agreement(x: ArrayLike, labels: ArrayLike) -> float:
    """Share of rows whose nearest other row (Euclidean) has the same label.

    >>> nearest_label_agreement([[0.0], [0.1], [5.0], [5.2]], [1, 1, 2, 3])
    0.5
    """
    data, y = np.asarray(x, dtype=np.float64), np.asarray(labels)
    if data.ndim != 2 or len(data) != len(y) or len(data) < 2:
        raise ArgumentError(
            f"nearest_label_agreement: need x (N, D) and N labels, N >= 2; "
            f"got x {data.shape} and {len(y)} labels"
        )
    sq = (data**2).sum(axis=1)
    dist = sq[:, None] + sq[None, :] - 2 * data @ data.T  # (N, N) squared distances
    np.fill_diagonal(dist, np.inf)
    return float((y[dist.argmin(axis=1)] == y).mean())


def first_of(labels: ArrayLike, digit: int) -> int:
    """The index of the first image labelled ``digit``."""
    found = np.flatnonzero(np.asarray(labels) == digit)
    if not len(found):
        raise ArgumentError(f"first_of: no image is labelled {digit!r}")
    return int(found[0])


def _fractions(steps: int, where: str) -> NDArray[np.float64]:
    if not isinstance(steps, int) or steps < 2:
        raise ArgumentError(f"{where}: steps must be an int >= 2, got {steps!r}")
    return np.linspace(0.0, 1.0, steps)


@torch.no_grad()
def code_path(
    model: Autoencoder, a: ArrayLike, b: ArrayLike, steps: int = 8
) -> NDArray[np.float32]:
    """Decode ``(1 − t)·code(a) + t·code(b)`` for ``steps`` values of t from 0 to 1.

    ``a`` and ``b`` are single digits (1, 28, 28). Returns pixels (steps, 1, 28, 28).
    The max-unpooling decoder also needs pooling indices, which a point between two codes
    does not have, so it is refused.
    """
    if model.config.decoder == "max_unpool":
        raise ArgumentError("code_path: the max_unpool decoder needs pooling indices; use another")
    t = torch.from_numpy(_fractions(steps, "code_path")).float()[:, None, None, None]
    pair = as_images(torch.as_tensor(np.stack([np.asarray(a), np.asarray(b)])), "code_path")
    model.eval()
    za, zb = model.encode(pair).values  # (C, 4, 4) each
    codes = (1 - t) * za + t * zb  # (steps, C, 4, 4)
    return torch.sigmoid(model.decode(Code(codes, ()))).numpy()


def pixel_path(a: ArrayLike, b: ArrayLike, steps: int = 8) -> NDArray[np.float32]:
    """``(1 − t)·a + t·b`` in pixel space, the same t as :func:`code_path`: (steps, 1, 28, 28)."""
    t = _fractions(steps, "pixel_path")[:, None, None, None]
    return ((1 - t) * np.asarray(a, np.float64) + t * np.asarray(b, np.float64)).astype(np.float32)


def grey_share(images: ArrayLike, low: float = 0.25, high: float = 0.75) -> NDArray[np.float64]:
    """Per image, the share of pixels strictly between ``low`` and ``high``: neither ink nor paper.

    >>> grey_share(np.array([[[0.0, 0.5], [1.0, 0.3]]])).tolist()
    [0.5]
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim < 2 or not 0 <= low < high <= 1:
        raise ArgumentError(
            f"grey_share: need images (N, ...) and 0 <= low < high <= 1, "
            f"got shape {x.shape}, low={low}, high={high}"
        )
    return ((x > low) & (x < high)).reshape(len(x), -1).mean(axis=1)


def _box_matrix(n_in: int, n_out: int) -> NDArray[np.float64]:
    """(n_out, n_in) averaging weights: each output cell is the mean of the input it covers."""
    edges = np.linspace(0, n_in, n_out + 1)
    left, right = np.arange(n_in), np.arange(n_in) + 1
    overlap = np.clip(
        np.minimum(right[None, :], edges[1:, None]) - np.maximum(left[None, :], edges[:-1, None]),
        0,
        None,
    )
    return overlap / overlap.sum(axis=1, keepdims=True)


def as_digit(image: ArrayLike, size: int = 28) -> NDArray[np.float32]:
    """A picture as the models' input: grey, square, ``size`` × ``size``, values in [0, 1].

    ``image`` is (H, W) or (H, W, 3) (uint8 0…255 or floats 0…1). Colour becomes grey
    (the mean of the channels), the centre square is kept and each output pixel is the
    mean of the pixels it covers (a box filter). Returns (1, 1, size, size) float32.
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        array = array[..., :3].mean(axis=2)
    if array.ndim != 2 or min(array.shape) < size:
        raise ArgumentError(
            f"as_digit: image must be (H, W) or (H, W, 3) with H, W >= {size}, "
            f"got shape {np.shape(image)}"
        )
    grey = array.astype(np.float64) / (255.0 if np.asarray(image).dtype == np.uint8 else 1.0)
    h, w = grey.shape
    side = min(h, w)
    square = grey[
        (h - side) // 2 : (h - side) // 2 + side, (w - side) // 2 : (w - side) // 2 + side
    ]
    box = _box_matrix(side, size)
    small = box @ square @ box.T  # (size, size)
    return np.clip(small, 0, 1).astype(np.float32)[None, None]


def stripes(size: int = 28, period: int = 7) -> NDArray[np.float32]:
    """Diagonal stripes, white and black, ``period`` pixels apart: (1, 1, size, size)."""
    if not isinstance(period, int) or period < 2:
        raise ArgumentError(f"stripes: period must be an int >= 2, got {period!r}")
    i, j = np.indices((size, size))
    return (((i + j) % period) < period / 2).astype(np.float32)[None, None]


class Scores(NamedTuple):
    """Per-image scores of a reconstruction (one value per image)."""

    bce: NDArray[np.float64]  #: mean per-pixel BCE against the image
    floor: NDArray[np.float64]  #: the image's own BCE floor (its pixels' entropy)
    mse: NDArray[np.float64]  #: mean squared error of the pixels
    output: NDArray[np.float32]  #: the reconstructions, (N, 1, 28, 28) pixels


@torch.no_grad()
def image_scores(model: Autoencoder, images: ArrayLike) -> Scores:
    """BCE, BCE floor and MSE of each image's reconstruction, and the reconstructions."""
    x = as_images(torch.as_tensor(np.asarray(images)), "image_scores")
    was_training = model.training
    model.eval()
    logits = torch.cat([model(x[i : i + BATCH]) for i in range(0, len(x), BATCH)])
    model.train(was_training)
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).double()
    out = torch.sigmoid(logits)
    mse = (out - x).double().pow(2).flatten(1).mean(1)
    p = x.double().flatten(1)
    floor = -(torch.special.xlogy(p, p) + torch.special.xlogy(1 - p, 1 - p)).mean(1)
    floor = floor + 0.0  # -0.0 (all pixels 0 or 1) prints as 0
    return Scores(bce.mean(1).numpy(), floor.numpy(), mse.numpy(), out.numpy())


def zlib_sizes(images: ArrayLike) -> NDArray[np.int64]:
    """Bytes zlib (level 9, lossless) needs for each image stored as 0…255 bytes."""
    x = np.asarray(images, dtype=np.float64)
    if x.ndim < 2 or x.min() < 0 or x.max() > 1:
        raise ArgumentError(f"zlib_sizes: need images with values in [0, 1], got shape {x.shape}")
    pixels = np.round(x * 255).astype(np.uint8).reshape(len(x), -1)
    return np.array([len(zlib.compress(row.tobytes(), 9)) for row in pixels], dtype=np.int64)
