"""2-D convolution (``torch.nn.Conv2d``) as im2col + one matrix product."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.layers._base import (
    Cache,
    LayerValueError,
    Module,
    Shape,
    check_array,
    check_channels,
    check_int,
    check_rank,
    conv_out_size,
    pair,
    uniform_init,
)
from layerguide.layers._im2col import (
    Workspace,
    col2im,
    col2im_wide,
    im2col,
    im2col_wide,
    wide_offsets,
)

__all__ = ["Conv2d"]


class Conv2d(Module):
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
        name = type(self).__name__
        self.in_channels = check_int(name, "in_channels", in_channels, 1)
        self.out_channels = check_int(name, "out_channels", out_channels, 1)
        self.kernel_size = pair(name, "kernel_size", kernel_size, 1)
        self.stride = pair(name, "stride", stride, 1)
        self.padding = pair(name, "padding", padding, 0)
        self.dilation = pair(name, "dilation", dilation, 1)
        if check_int(name, "groups", groups, 1) != 1:
            raise LayerValueError(f"{name}: only groups=1 is supported, got groups={groups}")
        kh, kw = self.kernel_size
        fan_in = self.in_channels * kh * kw
        self.weight = uniform_init(
            (self.out_channels, self.in_channels, kh, kw), fan_in, dtype, rng
        )
        self.bias = uniform_init((self.out_channels,), fan_in, dtype, rng) if bias else None
        self._cache = Cache(name)
        self._work = Workspace()

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.bias is None:
            s += ", bias=False"
        return s

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        check_channels(name, (n, c, h, w), self.in_channels, "in_channels")
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
        )
        ho = conv_out_size(name, "H", h, kh, sh, ph, dh)
        wo = conv_out_size(name, "W", w, kw, sw, pw, dw)
        return (n, self.out_channels, ho, wo)

    def forward(self, x: Any) -> NDArray[np.floating]:
        x = check_array(type(self).__name__, x)
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
        self._cache.save(
            cols=cols2, in_shape=x.shape, padded_hw=xp.shape[2:], out_shape=(n, c_out, ho, wo)
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
        self._cache.save(
            cols=cols2,
            in_shape=x.shape,
            offsets=offsets,
            flat_len=xflat.shape[2],
            out_shape=(n, c_out, ho, wo),
        )
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self._cache.load(grad_out)
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
