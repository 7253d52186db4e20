"""Speed tricks behind the layers, in one place; the layers read as their math.

A convolution is one matrix product between the filters and a matrix of input windows
(im2col); its backward is two more products and col2im, the adjoint that adds every
column back where it came from. Done naively, building that matrix costs more than the
product itself. Each trick here keeps the same numbers and buys speed:

- **im2col by kernel tap** (:func:`im2col`, :func:`col2im`): one strided slice per kernel
  offset (kH·kW slices, each as large as the output) instead of a loop over pixels.
- **Stride phases** (:func:`split_phases`, :func:`merge_phases`): with stride s a tap
  reads every s-th row; splitting the input by phase once makes every tap read one
  contiguous block (about 2× faster im2col for strided, overlapping windows).
- **Wide rows** (:func:`im2col_wide`, :func:`col2im_wide`): at stride 1 every tap's
  pixels form ONE contiguous run of the flattened padded plane if we also compute the
  W_pad − W_out columns that wrap around (and drop them), so each copy is a plain memory
  copy; channels first makes the whole batch one matrix product.
- **Scratch buffers** (:class:`Workspace`): large arrays reused between calls instead of
  allocated afresh (page faults on fresh memory cost as much as the copy).
- **Pooling taps** (:func:`valid_block`, :func:`set_where`): max pooling compares whole
  blocks tap by tap in the stride-phase layout, and records the winning tap with integer
  arithmetic instead of boolean indexing.

:class:`Windows` puts the first four together behind four methods, so that
``Conv2d.forward`` is ``w @ windows.columns(x)`` and its backward is the two products.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Pair = tuple[int, int]


class Workspace:
    """Scratch arrays a layer reuses between calls (large fresh allocations are slow)."""

    def __init__(self) -> None:
        self._arrays: dict[str, NDArray[np.floating]] = {}

    def get(self, key: str, shape: tuple[int, ...], dtype: np.dtype) -> NDArray[np.floating]:
        """An uninitialised array of this shape and dtype, reused when possible."""
        arr = self._arrays.get(key)
        if arr is None or arr.shape != shape or arr.dtype != dtype:
            arr = np.empty(shape, dtype)
            self._arrays[key] = arr
        return arr

    def zeros_once(self, key: str, shape: tuple[int, ...], dtype: np.dtype) -> NDArray[np.floating]:
        """Like :meth:`get`, but a newly allocated array is zero-filled.

        For buffers whose border stays zero because later calls only write the middle.
        """
        old = self._arrays.get(key)
        arr = self.get(key, shape, dtype)
        if arr is not old:
            arr.fill(0)
        return arr

    def padded(
        self, key: str, x: NDArray[np.floating], padding: Pair, extra: Pair = (0, 0)
    ) -> NDArray[np.floating]:
        """``x`` with ``padding`` zeros on every side (plus ``extra`` at the bottom/right)."""
        ph, pw = padding
        if ph == pw == 0 and extra == (0, 0):
            return x
        n, c, h, w = x.shape
        shape = (n, c, h + 2 * ph + extra[0], w + 2 * pw + extra[1])
        out = self.zeros_once(key, shape, x.dtype)
        out[:, :, ph : ph + h, pw : pw + w] = x
        return out


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
    out.fill(0)
    for t, off in enumerate(offsets):
        out[:, :, off : off + run] += cols[:, t]  # (C, N, H_out·Wp)
    return out


# ----------------------------------------------------------------------------- Windows


class Windows:
    """The input windows of a convolution as one (C_in·kH·kW, M) matrix, and back.

    ``M`` counts the output pixels of the whole batch; at stride 1 it also counts the
    wrapped-around columns of the wide-row layout, which :meth:`to_output` drops and
    :meth:`from_output` fills with zeros. The layout is channels first, (C, …, N, …), so
    a convolution is one matrix product for the whole batch.
    """

    def __init__(
        self, kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, work: Workspace
    ) -> None:
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation
        self.work = work
        self.wide = stride == (1, 1)

    def columns(self, x: NDArray[np.floating], out_hw: Pair) -> NDArray[np.floating]:
        """im2col: (N, C, H, W) → (C·kH·kW, M), one column per output pixel."""
        n, c, h, w = self.in_shape = x.shape
        self.out_hw = out_hw
        (kh, kw), (ph, pw) = self.kernel, self.padding
        self.padded_hw = hp, wp = h + 2 * ph, w + 2 * pw
        x_cn = x.transpose(1, 0, 2, 3)  # (C, N, H, W), a view
        if self.wide:
            tail = (kw - 1) * self.dilation[1]  # the last run reads this far past the plane
            xflat = self.work.zeros_once("xflat", (c, n, hp * wp + tail), x.dtype)
            xflat[:, :, : hp * wp].reshape(c, n, hp, wp)[:, :, ph : ph + h, pw : pw + w] = x_cn
            self.offsets = wide_offsets(self.kernel, self.dilation, wp)
            self.flat_len = xflat.shape[2]
            cols = self.work.get("cols", (c, kh * kw, n, out_hw[0] * wp), x.dtype)
            im2col_wide(xflat, self.offsets, out_hw[0] * wp, cols)
        else:
            xp = x_cn  # no padding: read the input in place
            if ph or pw:
                xp = self.work.zeros_once("xp", (c, n, hp, wp), x.dtype)
                xp[:, :, ph : ph + h, pw : pw + w] = x_cn
            cols = self.work.get("cols", (c, kh, kw, n, *out_hw), x.dtype)
            im2col(xp, self.kernel, self.stride, self.dilation, out_hw,
                   out=cols.transpose(0, 3, 1, 2, 4, 5))  # fmt: skip
        return cols.reshape(c * kh * kw, -1)

    def _grid(self) -> tuple[int, int, int]:
        """(N, rows, columns) of the M axis: columns is W_pad in the wide layout."""
        n, (ho, wo) = self.in_shape[0], self.out_hw
        return n, ho, self.padded_hw[1] if self.wide else wo

    def to_output(
        self, y: NDArray[np.floating], bias: NDArray[np.floating] | None
    ) -> NDArray[np.floating]:
        """(C_out, M) → (N, C_out, H_out, W_out), plus ``bias`` per channel."""
        n, ho, cols = self._grid()
        kept = y.reshape(-1, n, ho, cols)[..., : self.out_hw[1]].transpose(1, 0, 2, 3)
        out = np.empty(kept.shape, y.dtype)
        if bias is None:
            out[...] = kept
        else:
            np.add(kept, bias[:, None, None], out=out)
        return out

    def from_output(self, g: NDArray[np.floating]) -> NDArray[np.floating]:
        """(N, C_out, H_out, W_out) → (C_out, M); wrapped-around columns get zeros."""
        n, ho, cols = self._grid()
        c_out, wo = g.shape[1], self.out_hw[1]
        if not self.wide:
            return np.ascontiguousarray(g.transpose(1, 0, 2, 3)).reshape(c_out, -1)
        gwide = self.work.zeros_once("gwide", (c_out, n, ho, cols), g.dtype)
        gwide[..., :wo] = g.transpose(1, 0, 2, 3)
        return gwide.reshape(c_out, -1)

    def fold(self, gcols: NDArray[np.floating]) -> NDArray[np.floating]:
        """col2im: (C·kH·kW, M) → (N, C, H, W), adding overlapping windows up."""
        n, c, h, w = self.in_shape
        (kh, kw), (ph, pw), (hp, wp) = self.kernel, self.padding, self.padded_hw
        if self.wide:
            gflat = self.work.get("gflat", (c, n, self.flat_len), gcols.dtype)
            col2im_wide(gcols.reshape(c, kh * kw, n, -1), self.offsets, gflat)
            gxp = gflat[:, :, : hp * wp].reshape(c, n, hp, wp)
        else:
            cols6 = gcols.reshape(c, kh, kw, n, *self.out_hw).transpose(0, 3, 1, 2, 4, 5)
            gxp = self.work.get("gxp", (c, n, hp, wp), gcols.dtype)
            col2im(cols6, (hp, wp), self.stride, self.dilation, out=gxp)  # (C, N, Hp, Wp)
        return gxp[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3).copy()


# ----------------------------------------------------------------------------- pooling taps


def set_where(a: NDArray[np.integer], value: int, mask: NDArray[np.bool_]) -> None:
    """``a[mask] = value`` in place, as ``a += (value - a) * mask`` — many times faster
    than boolean indexing when the mask is dense (exact in integer arithmetic)."""
    d = np.subtract(value, a, dtype=a.dtype)
    d *= mask
    a += d


def valid_block(n: int, n_out: int, s: int, offset: int) -> tuple[slice, int, slice] | None:
    """Along one axis, the outputs whose tap reads row ``o·s + offset`` inside [0, n).

    Returns the output slice, and where those rows sit in the stride-phase layout:
    row ``R`` is phase ``R % s``, position ``R // s``.
    """
    rows = np.arange(n_out) * s + offset
    ok = np.flatnonzero((rows >= 0) & (rows < n))
    if ok.size == 0:
        return None
    first = int(rows[ok[0]])
    return slice(ok[0], ok[-1] + 1), first % s, slice(first // s, first // s + ok.size)
