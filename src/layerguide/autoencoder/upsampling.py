"""Upsampling ×2 three ways: repeat (``nearest``), corner (``bed_of_nails``), unpool.

Each takes (N, C, H, W) and returns (N, C, size, size), cropping the doubled size to
``size`` (7 is not twice 4).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["bed_of_nails", "max_unpool", "nearest"]


def bed_of_nails(x: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2: each value to the top-left of its 2×2 cell, zeros elsewhere; crop to size.

    Shape
    -----
    (N, C, H, W) → (N, C, size, size) with size ≤ 2H

    Examples
    --------
    >>> bed_of_nails(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]), 4)[0, 0]
    tensor([[1., 0., 2., 0.],
            [0., 0., 0., 0.],
            [3., 0., 4., 0.],
            [0., 0., 0., 0.]])
    """
    n, c, h, w = x.shape
    out = x.new_zeros(n, c, h, 2, w, 2)  # (N, C, H, 2, W, 2)
    out[:, :, :, 0, :, 0] = x
    return out.view(n, c, 2 * h, 2 * w)[:, :, :size, :size]


def nearest(x: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2 by repeating each value over its 2×2 cell; crop to size.

    Shape
    -----
    (N, C, H, W) → (N, C, size, size) with size ≤ 2H
    """
    return F.interpolate(x, scale_factor=2, mode="nearest")[:, :, :size, :size]


def max_unpool(x: torch.Tensor, indices: torch.Tensor, size: int) -> torch.Tensor:
    """Upsample ×2: each value back where the 2×2 max pooling found it, zeros elsewhere.

    ``indices`` are ``nn.MaxPool2d(2, return_indices=True)``'s: flat positions in the
    size × size input of the pooling. This computes what ``F.max_unpool2d`` computes, as a
    scatter into zeros: torch refuses ``max_unpool2d`` under deterministic algorithms (two
    values sent to one position would race), but indices from non-overlapping 2×2 windows
    are all different, and the scatter needs no global switch that other threads could see.

    Shape
    -----
    x, indices (N, C, H, W) → (N, C, size, size) with size ≤ 2H

    Examples
    --------
    >>> x = torch.tensor([[[[1.0, 5.0], [2.0, 0.0]]]])
    >>> pooled, idx = torch.nn.MaxPool2d(2, return_indices=True)(x)
    >>> max_unpool(pooled, idx, 2)
    tensor([[[[0., 5.],
              [0., 0.]]]])
    """
    n, c = x.shape[:2]
    flat = x.new_zeros(n, c, size * size).scatter(2, indices.flatten(2), x.flatten(2))
    return flat.view(n, c, size, size)
