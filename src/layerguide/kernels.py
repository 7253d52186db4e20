"""Classic 3 × 3 image kernels, the grey photo they are shown on, and how to apply them.

One source of numbers for every page that filters a picture: the convolution playground
(``docs/_ext/conv_playground.py`` writes :data:`KERNELS` into the page for its
JavaScript) and any static kernel-gallery figure use the same arrays, so the browser and
Python filter with identical weights.

>>> from layerguide.kernels import KERNELS, apply_kernel, grey_photo
>>> sorted(KERNELS) == sorted(KERNEL_ORDER)
True
>>> KERNELS["sobel_x"]
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]], dtype=float32)
>>> photo = grey_photo()  # (60, 60), values in [0, 1]
>>> apply_kernel(photo, KERNELS["box_blur"], stride=2, padding=1).shape
(30, 30)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.i18n import check_lang, text
from layerguide.layers import Conv2d

__all__ = [
    "KERNELS",
    "KERNEL_ORDER",
    "apply_kernel",
    "grey_photo",
    "kernel_label",
]

Kernel = NDArray[np.float32]


def _kernel(rows: list[list[float]], scale: float = 1.0) -> Kernel:
    values = np.array(rows, dtype=np.float64) * scale
    kernel = values.astype(np.float32)
    kernel.setflags(write=False)  # shared by every caller: nobody may change it in place
    return kernel


KERNEL_ORDER: tuple[str, ...] = (
    "identity",
    "box_blur",
    "gaussian_blur",
    "sharpen",
    "sobel_x",
    "sobel_y",
    "laplacian",
    "emboss",
)
"""The presets in the order a gallery shows them."""

KERNELS: MappingProxyType[str, Kernel] = MappingProxyType(
    {
        # Copies the centre pixel: the output is the input (cropped by stride/padding).
        "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
        # Mean of the 3 × 3 neighbourhood.
        "box_blur": _kernel([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
        # Binomial weights (1 2 1)ᵀ(1 2 1) / 16, a small Gaussian.
        "gaussian_blur": _kernel([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
        # Identity plus the negated Laplacian: edges get stronger.
        "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
        # Horizontal change (responds to vertical edges); chapter 3's edge filter.
        "sobel_x": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
        # Vertical change (responds to horizontal edges).
        "sobel_y": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
        # Sum of second differences: zero on flat and linear areas.
        "laplacian": _kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
        # Diagonal difference plus the pixel itself: a relief look.
        "emboss": _kernel([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
    }
)
"""Preset 3 × 3 kernels (float32, read-only), keyed by the names in :data:`KERNEL_ORDER`."""


def kernel_label(name: str, lang: str = "en") -> str:
    """The display name of preset ``name`` in ``lang``.

    >>> kernel_label("gaussian_blur"), kernel_label("gaussian_blur", lang="ko")
    ('Gaussian blur', '가우시안 흐림')
    """
    check_lang("kernel_label", lang)
    if name not in KERNELS:
        raise ArgumentError(
            f"kernel_label: unknown kernel {name!r}; choose one of {', '.join(KERNEL_ORDER)}"
        )
    return text(lang, f"kernels.{name}")


def grey_photo(size: int = 60) -> NDArray[np.float32]:
    """The grey photo of chapters 1 and 3, shrunk to ``size`` × ``size`` (values in [0, 1]).

    Matplotlib's sample ``grace_hopper.jpg`` (600 × 512 × 3, shipped with matplotlib, so
    no network), cropped to its top 480 × 480 square, averaged over the colour channels
    and then over ``480 // size`` blocks — exactly what chapter 3 does for ``size=60``.

    Parameters
    ----------
    size : int, default 60
        Side of the result; must divide 480 (e.g. 30, 40, 48, 60, 80, 96, 120, 160, 240, 480).

    Returns
    -------
    ndarray of float32, shape (size, size)
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise ArgumentTypeError(f"grey_photo: size must be an int, got {size!r}")
    if size <= 0 or 480 % size:
        raise ArgumentError(f"grey_photo: size must be a positive divisor of 480, got {size}")
    import matplotlib.pyplot as plt
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    photo = plt.imread(path)  # (600, 512, 3) uint8
    grey = photo[:480, 16:496].mean(axis=2) / 255  # (480, 480)
    block = 480 // size
    small = grey.reshape(size, block, size, block).mean(axis=(1, 3))  # (size, size)
    return small.astype(np.float32)


def apply_kernel(image: Any, kernel: Any, stride: int = 1, padding: int = 0) -> NDArray[Any]:
    """Filter a 2-D ``image`` with a 2-D ``kernel`` through :class:`~layerguide.layers.Conv2d`.

    The kernel becomes the weight of a one-channel ``Conv2d`` without bias, so this is
    cross-correlation (the kernel is not flipped), exactly what a convolution layer and
    the playground compute.

    Parameters
    ----------
    image : array_like
        Shape (H, W).
    kernel : array_like
        Shape (kH, kW). E.g. ``KERNELS["sharpen"]``.
    stride, padding : int
        As in ``Conv2d`` (padding adds zeros on each side).

    Returns
    -------
    ndarray, shape (H_out, W_out)
        float32 unless ``image`` is float64.
    """
    x = np.asarray(image)
    k = np.asarray(kernel)
    if x.ndim != 2 or k.ndim != 2:
        raise ArgumentError(
            f"apply_kernel: image and kernel must be 2-D, got shapes {x.shape} and {k.shape}"
        )
    dtype = np.float64 if x.dtype == np.float64 else np.float32
    conv = Conv2d(1, 1, k.shape, stride=stride, padding=padding, bias=False, dtype=dtype)
    conv.weight.data[0, 0] = k
    out = conv(x.astype(dtype)[None, None])  # (1, 1, H_out, W_out)
    return out[0, 0]
