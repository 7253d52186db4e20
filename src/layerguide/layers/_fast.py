"""Speed tricks behind the layers, in one place; the layers read as their math.

A convolution is one matrix product between the filters and a matrix of input windows
(im2col); its backward is two more products and col2im, the adjoint that adds every
column back where it came from. Done naively, building that matrix costs more than the
product itself. Each trick here keeps the same numbers and buys speed:

- **im2col by kernel tap** (:func:`~layerguide.layers._im2col.im2col`,
  :func:`~layerguide.layers._im2col.col2im`): one strided slice per kernel offset (kH·kW
  slices, each as large as the output) instead of a loop over pixels.
- **Stride phases** (:func:`~layerguide.layers._im2col.split_phases`,
  :func:`~layerguide.layers._im2col.merge_phases`): with stride s a tap reads every s-th
  row; splitting the input by phase once makes every tap read one contiguous block (about
  2× faster im2col for strided, overlapping windows).
- **Wide rows** (:func:`~layerguide.layers._im2col.im2col_wide`,
  :func:`~layerguide.layers._im2col.col2im_wide`): at stride 1 every tap's pixels form ONE
  contiguous run of the flattened padded plane if we also compute the W_pad − W_out
  columns that wrap around (and drop them), so each copy is a plain memory copy. The
  plane is a **canvas** of the whole batch: the images side by side, one zero gutter
  between two of them serving as the right padding of one and the left padding of the
  next. The batch is then one matrix product, each copy one long run per channel, and
  small images waste less (7×7 with padding 1: 8 columns computed per 7 kept, not 9).
- **Disjoint windows** (:func:`~layerguide.layers._im2col.col2im`): when the windows do
  not overlap (kernel ≤ stride, as in the lesson's stride-5 example), col2im is one
  strided copy per tap, with no adding and no phases.
- **Scratch buffers** (:class:`Workspace`, :meth:`Workspace.matmul`): large arrays and
  products reused between calls instead of allocated afresh. Fresh memory costs a page
  fault per 4 kB, and a step that frees tens of MB may see the allocator hand them back
  to the system each time: the first Conv2d of a process was 6× slower that way. Even
  reused, every page is fresh once: on the first step the kernel zero-fills each one
  (measured on this project's virtual machine: 0.2–1.5 ms of system time per MB), so a
  layer's first step costs in proportion to the scratch memory it touches, and the less
  the better (col2im with no padding adds straight into the returned gradient, with no
  scratch image to crop).
- **Pooling taps** (:func:`~layerguide.layers._pool_taps.valid_block`,
  :func:`~layerguide.layers._pool_taps.set_where`): max pooling compares whole blocks tap
  by tap in the stride-phase layout, and records the winning tap with integer arithmetic
  instead of boolean indexing.

:class:`Windows` puts the first four together behind four methods, so that
``Conv2d.forward`` is ``w @ windows.columns(x)`` and its backward is the two products;
:class:`Stamps` does the same for ``ConvTranspose2d`` (its columns are added into the
output), and :class:`~layerguide.layers._pool_taps.MaxTaps` for ``MaxPool2d``.

The im2col variants live in :mod:`~layerguide.layers._im2col`, the pooling taps in
:mod:`~layerguide.layers._pool_taps`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.layers._im2col import (
    Pair,
    col2im,
    col2im_wide,
    im2col,
    im2col_wide,
    wide_offsets,
)

__all__ = ["Stamps", "Windows", "Workspace"]


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

    def matmul(
        self, key: str, a: NDArray[np.floating], b: NDArray[np.floating]
    ) -> NDArray[np.floating]:
        """``a @ b`` written into a reused array (valid until the next call with ``key``).

        A large product allocated afresh every step is freed every step too, and the
        allocator may hand its pages back to the system: the next step then pays a page
        fault for every 4 kB (this made the first Conv2d of a process 6× slower).
        """
        shape = (*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), a.shape[-2], b.shape[-1])
        out = self.get(key, shape, np.result_type(a, b))
        return np.matmul(a, b, out=out)


class Windows:
    """The input windows of a convolution as a stack of (C_in·kH·kW, L) matrices, and back.

    Each matrix has one column per output pixel, so that a convolution is a (stacked)
    matrix product, ``w2 @ cols``. Two layouts, chosen by the geometry:

    - stride 1, **wide rows** on a **canvas**: the padded images side by side, sharing
      the zero columns between them, make one wide image per channel; its windows are one
      matrix, B = 1, for the whole batch. Its L columns also count the columns between
      the images and those that wrap around, which :meth:`to_output` drops and
      :meth:`from_output` fills with zeros;
    - otherwise **one matrix per image**, B = N, L = H_out·W_out: the products come out in
      the (N, C_out, H_out·W_out) order of the output, and the gradient goes in as it is,
      with no transposing copy of either.
    """

    def __init__(self, conv: Any, in_shape: tuple[int, ...], out_hw: Pair) -> None:
        """Where the windows of ``conv`` (a Conv2d) lie on an input of ``in_shape``."""
        self.kernel, self.stride = conv.kernel_size, conv.stride
        self.padding, self.dilation = conv.padding, conv.dilation
        self.work: Workspace = conv._work
        self.in_shape, self.out_hw = in_shape, out_hw
        (ph, pw), (kw, dw) = self.padding, (self.kernel[1], self.dilation[1])
        n, w = in_shape[0], in_shape[3]
        self.padded_hw = (in_shape[2] + 2 * ph, w + 2 * pw)
        self.wide = self.stride == (1, 1)
        # The canvas: image i starts at column i·pitch; the pw zero columns right of an
        # image are the left padding of the next, so a window never reaches a neighbour.
        self.pitch = max(w + pw, out_hw[1])
        self.canvas_w = n * self.pitch + pw
        self.offsets = wide_offsets(self.kernel, self.dilation, self.canvas_w)
        tail = (kw - 1) * dw  # in the wide layout the last run reads this far past the plane
        self.flat_len = self.padded_hw[0] * self.canvas_w + tail

    def columns(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """im2col: (N, C, H, W) → (B, C·kH·kW, L), one column per output pixel."""
        n, c, h, w = x.shape
        (kh, kw), (ph, pw), (hp, wp) = self.kernel, self.padding, self.padded_hw
        (ho, wo) = self.out_hw
        if self.wide:
            xflat = self.work.zeros_once("xflat", (c, 1, self.flat_len), x.dtype)
            self._images(xflat)[...] = x.transpose(1, 2, 0, 3)  # (C, H, N, W) on the canvas
            run = ho * self.canvas_w
            cols = self.work.get("cols", (c, kh * kw, 1, run), x.dtype)
            im2col_wide(xflat, self.offsets, run, cols)
            return cols.reshape(1, c * kh * kw, run)
        xp = x  # no padding: read the input in place
        if ph or pw:
            xp = self.work.zeros_once("xp", (n, c, hp, wp), x.dtype)
            xp[:, :, ph : ph + h, pw : pw + w] = x
        cols = self.work.get("cols", (n, c, kh, kw, ho, wo), x.dtype)
        im2col(xp, self.kernel, self.stride, self.dilation, self.out_hw, out=cols)
        return cols.reshape(n, c * kh * kw, ho * wo)

    def product(self, w2: NDArray[np.floating], cols: NDArray[np.floating]) -> NDArray[np.floating]:
        """``w2 @ cols``, (B, C_out, L). One matrix per image is already the output's
        layout, so it goes into a new array (the output); the canvas into a reused one."""
        if not self.wide:
            return np.matmul(w2, cols)
        return self.work.matmul("y", w2, cols)

    def to_output(
        self, y: NDArray[np.floating], bias: NDArray[np.floating] | None
    ) -> NDArray[np.floating]:
        """(B, C_out, L) from :meth:`product` → (N, C_out, H_out, W_out), plus ``bias``."""
        n, (ho, wo), c_out = self.in_shape[0], self.out_hw, y.shape[1]
        if not self.wide:  # y is new and in the output's order: add the bias in place
            out = y.reshape(n, c_out, ho, wo)
            if bias is not None:
                out += bias[:, None, None]
            return out
        # (C_out, H_out, canvas): keep each image's W_out columns
        kept = self._per_image(y.reshape(c_out, ho, -1), wo).transpose(2, 0, 1, 3)
        out = np.empty(kept.shape, y.dtype)
        if bias is None:
            out[...] = kept
        else:
            np.add(kept, bias[:, None, None], out=out)
        return out

    def from_output(self, g: NDArray[np.floating]) -> NDArray[np.floating]:
        """(N, C_out, H_out, W_out) → (B, C_out, L); wrapped-around columns get zeros."""
        n, c_out, ho, wo = g.shape
        if not self.wide:
            return np.ascontiguousarray(g).reshape(n, c_out, ho * wo)  # a view, as a rule
        gwide = self.work.zeros_once("gwide", (c_out, ho, self.canvas_w), g.dtype)
        self._per_image(gwide, wo)[...] = g.transpose(1, 2, 0, 3)  # (C_out, H_out, N, W_out)
        return gwide.reshape(1, c_out, -1)

    def _per_image(self, rows: NDArray[np.floating], width: int) -> NDArray[np.floating]:
        """(…, canvas) → (…, N, width): the first ``width`` columns of every image, a view."""
        n = self.in_shape[0]
        return rows[..., : n * self.pitch].reshape(*rows.shape[:-1], n, self.pitch)[..., :width]

    def _images(self, flat: NDArray[np.floating]) -> NDArray[np.floating]:
        """The images inside a (C, 1, flat) canvas, as a (C, H, N, W) view."""
        (ph, pw), (h, w) = self.padding, self.in_shape[2:]
        hp, cw = self.padded_hw[0], self.canvas_w
        canvas = flat[:, 0, : hp * cw].reshape(len(flat), hp, cw)  # (C, Hp, canvas)
        return self._per_image(canvas[:, ph : ph + h, pw:], w)

    def fold(self, gcols: NDArray[np.floating]) -> NDArray[np.floating]:
        """col2im: (B, C·kH·kW, L) → (N, C, H, W), adding overlapping windows up."""
        n, c, h, w = self.in_shape
        (kh, kw), (ph, pw), (hp, wp) = self.kernel, self.padding, self.padded_hw
        if self.wide:
            gflat = self.work.get("gflat", (c, 1, self.flat_len), gcols.dtype)
            col2im_wide(gcols.reshape(c, kh * kw, 1, -1), self.offsets, gflat)
            return self._images(gflat).transpose(2, 0, 1, 3).copy()  # (N, C, H, W)
        cols6 = gcols.reshape(n, c, kh, kw, *self.out_hw)
        if ph == pw == 0:  # the image itself: add the columns straight into the result
            return col2im(cols6, (h, w), self.stride, self.dilation)
        gxp = self.work.get("gxp", (n, c, hp, wp), gcols.dtype)
        col2im(cols6, (hp, wp), self.stride, self.dilation, out=gxp)  # (N, C, Hp, Wp)
        return gxp[:, :, ph : ph + h, pw : pw + w].copy()


class Stamps:
    """The stamps of a transposed convolution: columns added into the output, and back.

    Each input value stamps a (C_out, kH, kW) patch onto the output, ``stride`` apart. The
    patches are the columns of one (C_out·kH·kW, N·H·W) matrix; :meth:`to_output` adds them
    up (col2im) into a buffer large enough for every stamp, crops ``padding`` and adds the
    bias; :meth:`from_output` is its adjoint (un-crop, then im2col). Channels first, so a
    transposed convolution is one matrix product for the whole batch.
    """

    def __init__(self, conv: Any, in_shape: tuple[int, ...], out_hw: Pair) -> None:
        """Where the stamps of ``conv`` (a ConvTranspose2d) land for an input of ``in_shape``."""
        self.kernel, self.stride = conv.kernel_size, conv.stride
        self.padding, self.dilation = conv.padding, conv.dilation
        self.work: Workspace = conv._work
        self.in_shape, self.out_hw = in_shape, out_hw
        self.buffer_hw = self._buffer_hw()

    def inputs(self, x: NDArray[np.floating]) -> NDArray[np.floating]:
        """(N, C, H, W) → (C, N·H·W): one column per input value."""
        n, c, h, w = x.shape
        x_cn = self.work.get("x_cn", (c, n, h, w), x.dtype)
        x_cn[...] = x.transpose(1, 0, 2, 3)
        return x_cn.reshape(c, n * h * w)

    def _buffer_hw(self) -> Pair:
        """Height and width of the uncropped result: every stamp, and the kept window."""
        geometry = (self.kernel, self.stride, self.padding, self.dilation)
        hw = [
            max((m - 1) * s + d * (k - 1) + 1, p + o)
            for m, o, k, s, p, d in zip(self.in_shape[2:], self.out_hw, *geometry, strict=True)
        ]
        return (hw[0], hw[1])

    def to_output(
        self, cols: NDArray[np.floating], bias: NDArray[np.floating] | None
    ) -> NDArray[np.floating]:
        """col2im: (C_out·kH·kW, N·H·W) → (N, C_out, H_out, W_out), plus ``bias``."""
        n, _, h, w = self.in_shape
        (kh, kw), (ph, pw), (ho, wo) = self.kernel, self.padding, self.out_hw
        c_out = cols.shape[0] // (kh * kw)
        buf_hw = self.buffer_hw
        stamps = cols.reshape(c_out, kh, kw, n, h, w).transpose(0, 3, 1, 2, 4, 5)
        full = self.work.get("full", (c_out, n, *buf_hw), cols.dtype)
        col2im(stamps, buf_hw, self.stride, self.dilation, out=full)  # (C_out, N, H_buf, W_buf)
        kept = full[:, :, ph : ph + ho, pw : pw + wo].transpose(1, 0, 2, 3)
        out = np.empty(kept.shape, cols.dtype)
        if bias is None:
            out[...] = kept
        else:
            np.add(kept, bias[:, None, None], out=out)
        return out

    def from_output(self, g: NDArray[np.floating]) -> NDArray[np.floating]:
        """Adjoint of :meth:`to_output`: (N, C_out, H_out, W_out) → (C_out·kH·kW, N·H·W)."""
        n, _, h, w = self.in_shape
        (kh, kw), (ph, pw), (ho, wo) = self.kernel, self.padding, self.out_hw
        c_out = g.shape[1]
        # grad_out sits at offset `padding` inside the uncropped buffer, whose border
        # stays zero (written once).
        gbuf = self.work.zeros_once("gbuf", (c_out, n, *self.buffer_hw), g.dtype)
        gbuf[:, :, ph : ph + ho, pw : pw + wo] = g.transpose(1, 0, 2, 3)
        gcols = self.work.get("gcols", (c_out, kh, kw, n, h, w), g.dtype)
        im2col(gbuf, self.kernel, self.stride, self.dilation, (h, w),
               out=gcols.transpose(0, 3, 1, 2, 4, 5))  # fmt: skip
        return gcols.reshape(c_out * kh * kw, n * h * w)

    def to_input(self, g_cn: NDArray[np.floating]) -> NDArray[np.floating]:
        """(C, N·H·W) → (N, C, H, W), the layout of the input."""
        n, c, h, w = self.in_shape
        return g_cn.reshape(c, n, h, w).transpose(1, 0, 2, 3).copy()
