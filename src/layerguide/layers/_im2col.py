"""im2col and col2im, three ways: by kernel tap, by stride phase, and in wide rows.

The functions behind :class:`~layerguide.layers._fast.Windows`; see
:mod:`~layerguide.layers._fast` for why each one is faster than the plain loop.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Pair",
    "col2im",
    "col2im_wide",
    "im2col",
    "im2col_wide",
    "merge_phases",
    "split_phases",
    "wide_offsets",
]

Pair = tuple[int, int]


def _window_slices(
    i: int, j: int, out_hw: Pair, stride: Pair, dilation: Pair
) -> tuple[slice, slice]:
    """The rows and columns that kernel offset (i, j) reads for every output pixel."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
    cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
    return rows, cols


def im2col(
    xp: NDArray[np.floating],
    kernel: Pair,
    stride: Pair,
    dilation: Pair,
    out_hw: Pair,
    out: NDArray[np.floating] | None = None,
) -> NDArray[np.floating]:
    """Windows of a padded input as columns.

    Parameters
    ----------
    xp : ndarray
        The (already padded) input, shape (N, C, Hp, Wp).
    kernel, stride, dilation, out_hw : tuple of int
        Window geometry (pairs) and the output height and width it produces.
    out : ndarray, optional
        Where to write, shape (N, C, kH, kW, H_out, W_out) (reused between calls).

    Returns
    -------
    ndarray
        Shape (N, C, kH, kW, H_out, W_out):
        ``cols[n, c, i, j, y, x] = xp[n, c, y*sH + i*dH, x*sW + j*dW]``; reshape it to
        (N, C·kH·kW, H_out·W_out) for the matrix product.

    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> im2col(x, (2, 2), (2, 2), (1, 1), (2, 2)).reshape(1, 4, 4)[0]
    array([[ 0.,  2.,  8., 10.],
           [ 1.,  3.,  9., 11.],
           [ 4.,  6., 12., 14.],
           [ 5.,  7., 13., 15.]])
    """
    n, c = xp.shape[:2]
    kh, kw = kernel
    if out is None:
        out = np.empty((n, c, kh, kw, *out_hw), xp.dtype)
    if kh * kw <= stride[0] * stride[1]:  # stride 1, or windows that barely overlap
        for i in range(kh):
            for j in range(kw):
                rows, cols = _window_slices(i, j, out_hw, stride, dilation)
                out[:, :, i, j] = xp[:, :, rows, cols]  # (N, C, H_out, W_out)
        return out
    # With a stride, tap (i, j) reads every s-th row and column. When there are more taps
    # than stride phases, split the input by phase once; every tap then reads one
    # contiguous block of a phase.
    phases = split_phases(xp, stride)  # (N, C, sH, sW, ceil(Hp/sH), ceil(Wp/sW))
    for i in range(kh):
        for j in range(kw):
            out[:, :, i, j] = phases[(..., *_phase_block(i, j, out_hw, stride, dilation))]
    return out


def col2im(
    cols: NDArray[np.floating],
    padded_hw: Pair,
    stride: Pair,
    dilation: Pair,
    out: NDArray[np.floating] | None = None,
) -> NDArray[np.floating]:
    """Add every column back into the window it came from (the adjoint of :func:`im2col`).

    Parameters
    ----------
    cols : ndarray
        Columns of shape (N, C, kH, kW, H_out, W_out).
    padded_hw : tuple of int
        Height and width (Hp, Wp) of the padded image to rebuild.
    stride, dilation : tuple of int
        Window geometry (pairs).
    out : ndarray, optional
        Where to write, shape (N, C, Hp, Wp) (its contents are overwritten).

    Returns
    -------
    ndarray
        The image, shape (N, C, Hp, Wp).

    >>> cols = np.ones((1, 1, 2, 2, 2, 2))
    >>> col2im(cols, (3, 3), (1, 1), (1, 1))[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    n, c, kh, kw, ho, wo = cols.shape
    if out is None:
        out = np.empty((n, c, *padded_hw), cols.dtype)
    if all(d * (k - 1) < s for k, s, d in zip((kh, kw), stride, dilation, strict=True)):
        # Windows that do not overlap: every value has a place of its own, so each tap is
        # one strided copy (no adding, no phases); zeros only where no window reaches.
        if not _tiles(padded_hw, (kh, kw), stride, dilation, (ho, wo)):
            out.fill(0)
        for i in range(kh):
            for j in range(kw):
                rows, cs = _window_slices(i, j, (ho, wo), stride, dilation)
                out[:, :, rows, cs] = cols[:, :, i, j]  # (N, C, H_out, W_out)
        return out
    if stride == (1, 1):
        out.fill(0)
        for i in range(kh):
            for j in range(kw):
                rows, cs = _window_slices(i, j, (ho, wo), stride, dilation)
                out[:, :, rows, cs] += cols[:, :, i, j]  # (N, C, H_out, W_out)
        return out
    sh, sw = stride
    phases = np.zeros((n, c, sh, sw, -(-padded_hw[0] // sh), -(-padded_hw[1] // sw)), cols.dtype)
    for i in range(kh):
        for j in range(kw):
            phases[(..., *_phase_block(i, j, (ho, wo), stride, dilation))] += cols[:, :, i, j]
    return merge_phases(phases, padded_hw, out=out)


def _tiles(padded_hw: Pair, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> bool:
    """Whether the windows cover the padded image exactly, edge to edge."""
    covered = (out_hw[0] * stride[0], out_hw[1] * stride[1])
    return dilation == (1, 1) and kernel == stride and padded_hw == covered


def _phase_block(
    i: int, j: int, out_hw: Pair, stride: Pair, dilation: Pair
) -> tuple[int, int, slice, slice]:
    """Where tap (i, j) reads in the stride-phase layout: row ``y·s + i·d`` is phase
    ``(i·d) % s``, position ``y + (i·d) // s``."""
    (ho, wo), (sh, sw), (dh, dw) = out_hw, stride, dilation
    r, q = i * dh, j * dw
    return r % sh, q % sw, slice(r // sh, r // sh + ho), slice(q // sw, q // sw + wo)


def split_phases(x: NDArray[np.floating], stride: Pair) -> NDArray[np.floating]:
    """(N, C, H, W) → (N, C, sH, sW, ceil(H/sH), ceil(W/sW)): ``[a, b, y, x] = [y·sH+a, x·sW+b]``.

    A window tap with stride s reads every s-th row; in this layout it reads one
    contiguous block instead. The unused tail of a short phase is left uninitialised.
    """
    sh, sw = stride
    if sh == sw == 1:
        return x[:, :, None, None]  # a view: nothing to split
    n, c, h, w = x.shape
    out = np.empty((n, c, sh, sw, -(-h // sh), -(-w // sw)), dtype=x.dtype)
    for a in range(min(sh, h)):
        for b in range(min(sw, w)):
            part = x[:, :, a::sh, b::sw]
            out[:, :, a, b, : part.shape[2], : part.shape[3]] = part
    return out


def merge_phases(
    phases: NDArray[np.floating], hw: Pair, out: NDArray[np.floating] | None = None
) -> NDArray[np.floating]:
    """Inverse of :func:`split_phases`: back to (N, C, H, W)."""
    n, c, sh, sw = phases.shape[:4]
    if out is None:
        out = np.empty((n, c, *hw), dtype=phases.dtype)
    for a in range(min(sh, hw[0])):
        for b in range(min(sw, hw[1])):
            part = out[:, :, a::sh, b::sw]
            part[...] = phases[:, :, a, b, : part.shape[2], : part.shape[3]]
    return out


# ----------------------------------------------------------------------------- stride 1
# With stride 1, the window that starts at output pixel (y, x) begins at flat index
# y·Wp + x of the padded plane. If we also compute "outputs" for the Wp − W_out columns
# that wrap around the right edge (and throw them away later), the pixels read by kernel
# offset (i, j) form ONE contiguous run of H_out·Wp values starting at i·dH·Wp + j·dW.
# Each of the kH·kW copies is then a plain memory copy instead of a strided 2-D one.


def wide_offsets(kernel: Pair, dilation: Pair, wp: int) -> list[int]:
    """Start of kernel offset (i, j)'s run in the flattened padded plane, in (i, j) order."""
    (kh, kw), (dh, dw) = kernel, dilation
    return [i * dh * wp + j * dw for i in range(kh) for j in range(kw)]


def im2col_wide(
    xflat: NDArray[np.floating], offsets: list[int], run: int, out: NDArray[np.floating]
) -> NDArray[np.floating]:
    """Stride-1 im2col: ``out[:, t] = xflat[:, :, offsets[t] : offsets[t] + run]``.

    ``xflat`` is (C, N, Hp·Wp + tail) — channels first, so that ``out``, of shape
    (C, kH·kW, N, run) with run = H_out·Wp, is one (C·kH·kW, N·run) matrix: the whole
    batch then goes through a single matrix product.
    """
    for t, off in enumerate(offsets):
        out[:, t] = xflat[:, :, off : off + run]  # (C, N, H_out·Wp)
    return out


def col2im_wide(
    cols: NDArray[np.floating], offsets: list[int], out: NDArray[np.floating]
) -> NDArray[np.floating]:
    """Adjoint of :func:`im2col_wide`: add every run back where it was read from.

    ``cols`` is (C, kH·kW, N, run); ``out`` is (C, N, Hp·Wp + tail) and is overwritten.
    """
    run = cols.shape[-1]
    out[:, :, :run] = cols[:, 0]  # the first run starts at 0: a copy, not an addition
    out[:, :, run:] = 0
    for t, off in enumerate(offsets[1:], start=1):
        out[:, :, off : off + run] += cols[:, t]  # (C, N, H_out·Wp)
    return out
