"""2-D convolution (``torch.nn.Conv2d``) as im2col + one matrix product."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.layers._base import (
    Shape,
    check_channels,
    check_rank,
    window_out_hw,
)
from layerguide.layers._conv_base import ConvBase
from layerguide.layers._im2col import (
    Workspace,
    col2im,
    col2im_wide,
    im2col,
    im2col_wide,
    wide_offsets,
)

__all__ = ["Conv2d"]


class Conv2d(ConvBase):
    """2-D convolution over a batch of images, like ``torch.nn.Conv2d``.

    Every output channel has one filter of shape (C_in, kH, kW) and one bias. The filter
    slides over the zero-padded input with the given stride; at each stop it multiplies
    and adds (``sum(window * filter) + bias``) to make one value of the feature map.

    See https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html.

    Shape
    -----
    - Input: (N, C_in, H, W)
    - Output: (N, C_out, H_out, W_out) with
      ``H_out = floor((H + 2·padding - dilation·(kH - 1) - 1) / stride) + 1`` (same for W).

    Parameters
    ----------
    in_channels : int
        Channels C_in of the input.
    out_channels : int
        Number of filters, i.e. channels C_out of the output.
    kernel_size : int or (int, int)
        Filter height and width (kH, kW).
    stride : int or (int, int), default 1
        Step between two windows.
    padding : int or (int, int), default 0
        Zeros added on *each* side (top and bottom, left and right).
    dilation : int or (int, int), default 1
        Spacing between filter taps.
    groups : int, default 1
        Only 1 is supported (kept so positional arguments match torch).
    bias : bool, default True
        Add a learned bias per output channel.
    dtype : dtype, default float32
        dtype of the parameters.
    rng : numpy.random.Generator or int, optional
        Source of the initial weights (default: the generator set by ``manual_seed``).

    Attributes
    ----------
    weight : Parameter
        Shape (C_out, C_in, kH, kW), initialised U(-1/sqrt(C_in·kH·kW), +1/sqrt(...)).
    bias : Parameter or None
        Shape (C_out,), same initialisation.
    kernel_size, stride, padding, dilation : (int, int)
        Stored as pairs, like torch.

    Examples
    --------
    >>> conv = Conv2d(3, 16, kernel_size=5, stride=5)
    >>> conv.weight.shape, conv.bias.shape
    ((16, 3, 5, 5), (16,))
    >>> conv(np.zeros((2, 3, 20, 30), dtype=np.float32)).shape
    (2, 16, 4, 6)
    >>> conv.output_shape((1, 3, 1080, 1920))
    (1, 16, 216, 384)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        *,
        dtype: DTypeLike = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, dilation, groups)
        c_in, (kh, kw) = self.in_channels, self.kernel_size
        self._init_parameters((self.out_channels, c_in), c_in * kh * kw, bias, dtype, rng)
        self._work = Workspace()

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        check_channels(name, (n, c, h, w), self.in_channels, "in_channels")
        ho, wo = window_out_hw(
            name, (h, w), self.kernel_size, self.stride, self.padding, self.dilation
        )
        return (n, self.out_channels, ho, wo)

    def forward(self, x: Any) -> NDArray[np.floating]:
        _, c_out, ho, wo = self.output_shape(x.shape)
        w2 = self.weight.data.reshape(c_out, -1).astype(x.dtype, copy=False)  # (C_out, K)
        if self.stride == (1, 1):
            out = self._forward_stride1(x, w2, ho, wo)
        else:
            out = self._forward_strided(x, w2, ho, wo)
        return out

    def _forward_strided(
        self, x: NDArray[np.floating], w2: NDArray[np.floating], ho: int, wo: int
    ) -> NDArray[np.floating]:
        n, c_in = x.shape[:2]
        c_out = w2.shape[0]
        kh, kw = self.kernel_size
        xp = self._work.padded("xp", x, self.padding)  # (N, C_in, H+2p, W+2p)
        cols = self._work.get("cols", (n, c_in, kh, kw, ho, wo), x.dtype)
        im2col(xp, self.kernel_size, self.stride, self.dilation, (ho, wo), out=cols)
        cols2 = cols.reshape(n, c_in * kh * kw, ho * wo)  # (N, C_in·kH·kW, L)
        out = np.matmul(w2, cols2)  # (N, C_out, L)
        if self.bias is not None:
            out += self.bias.data.astype(x.dtype, copy=False)[:, None]
        self.save_for_backward(
            (n, c_out, ho, wo), cols=cols2, in_shape=x.shape, padded_hw=xp.shape[2:]
        )
        return out.reshape(n, c_out, ho, wo)

    def _forward_stride1(
        self, x: NDArray[np.floating], w2: NDArray[np.floating], ho: int, wo: int
    ) -> NDArray[np.floating]:
        # Same product as the strided path, on "wide" rows of Wp = W + 2p values
        # (see _im2col.im2col_wide); the Wp - W_out extra columns are dropped at the end.
        # Channels come first, so the whole batch is ONE matrix product.
        n, c_in, h, w = x.shape
        c_out = w2.shape[0]
        kh, kw = self.kernel_size
        (ph, pw), dw = self.padding, self.dilation[1]
        hp, wp = h + 2 * ph, w + 2 * pw
        tail = (kw - 1) * dw  # the last run reads this far past the plane
        xflat = self._work.zeros_once("xflat", (c_in, n, hp * wp + tail), x.dtype)
        plane = xflat[:, :, : hp * wp].reshape(c_in, n, hp, wp)
        plane[:, :, ph : ph + h, pw : pw + w] = x.transpose(1, 0, 2, 3)  # (C_in, N, Hp, Wp)
        offsets = wide_offsets(self.kernel_size, self.dilation, wp)
        run = ho * wp
        cols = self._work.get("cols", (c_in, kh * kw, n, run), x.dtype)
        im2col_wide(xflat, offsets, run, cols)
        cols2 = cols.reshape(c_in * kh * kw, n * run)  # (K, N·H_out·Wp)
        wide = (w2 @ cols2).reshape(c_out, n, ho, wp)  # (C_out, N, H_out, Wp)
        out = np.empty((n, c_out, ho, wo), x.dtype)
        kept = wide[..., :wo].transpose(1, 0, 2, 3)  # drop the wrapped-around columns
        if self.bias is not None:
            np.add(kept, self.bias.data.astype(x.dtype, copy=False)[:, None, None], out=out)
        else:
            out[...] = kept
        self.save_for_backward(
            (n, c_out, ho, wo),
            cols=cols2,
            in_shape=x.shape,
            offsets=offsets,
            flat_len=xflat.shape[2],
        )
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        cols, (n, c_in, h, w) = saved["cols"], saved["in_shape"]
        _, c_out, ho, wo = saved["out_shape"]
        g = grad_out.astype(cols.dtype, copy=False)  # (N, C_out, H_out, W_out)
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=(0, 2, 3)))  # (C_out,)
        kh, kw = self.kernel_size
        ph, pw = self.padding
        w2 = self.weight.data.reshape(c_out, -1).astype(cols.dtype, copy=False)  # (C_out, K)
        if "offsets" not in saved:  # strided path: cols is (N, K, L)
            g2 = g.reshape(n, c_out, ho * wo)  # (N, C_out, L)
            grad_w = np.matmul(g2, cols.transpose(0, 2, 1)).sum(axis=0)  # (C_out, K)
            self.weight.accumulate(grad_w.reshape(self.weight.shape))
            gcols = self._work.get("gcols", cols.shape, cols.dtype)
            np.matmul(w2.T, g2, out=gcols)  # (N, K, L)
            gxp = self._work.get("gxp", (n, c_in, *saved["padded_hw"]), cols.dtype)
            col2im(gcols.reshape(n, c_in, kh, kw, ho, wo), saved["padded_hw"], self.stride,
                   self.dilation, out=gxp)  # fmt: skip
            return gxp[:, :, ph : ph + h, pw : pw + w].copy()  # (N, C_in, H, W)
        # stride-1 path: cols is (K, N·H_out·Wp), channels first
        hp, wp = h + 2 * ph, w + 2 * pw
        # The wrapped-around columns get no gradient (zeros, written once).
        gwide = self._work.zeros_once("gwide", (c_out, n, ho, wp), cols.dtype)
        gwide[..., :wo] = g.transpose(1, 0, 2, 3)
        gw2 = gwide.reshape(c_out, n * ho * wp)  # (C_out, N·H_out·Wp)
        self.weight.accumulate((gw2 @ cols.T).reshape(self.weight.shape))  # (C_out, K)
        gcols = self._work.get("gcols", cols.shape, cols.dtype)
        np.matmul(w2.T, gw2, out=gcols)  # (K, N·H_out·Wp)
        gflat = self._work.get("gflat", (c_in, n, saved["flat_len"]), cols.dtype)
        col2im_wide(gcols.reshape(c_in, kh * kw, n, ho * wp), saved["offsets"], gflat)
        gxp = gflat[:, :, : hp * wp].reshape(c_in, n, hp, wp)  # (C_in, N, Hp, Wp)
        return gxp[:, :, ph : ph + h, pw : pw + w].transpose(1, 0, 2, 3).copy()  # (N, C_in, H, W)
