"""Transposed convolution (``torch.nn.ConvTranspose2d``): one matrix product + col2im."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.layers._checks import LayerValueError, Shape, check_channels, check_rank, pair
from layerguide.layers._conv_base import ConvBase
from layerguide.layers._fast import Workspace, col2im, im2col

__all__ = ["ConvTranspose2d"]


class ConvTranspose2d(ConvBase):
    """Transposed 2-D convolution, like ``torch.nn.ConvTranspose2d``.

    Each input value *stamps* a scaled copy of a kH×kW kernel onto the output, the stamps
    ``stride`` apart; where they overlap they add up. It is the backward (adjoint) of a
    :class:`~layerguide.layers.Conv2d` with the same arguments, which is why it can grow a
    feature map: ``stride=2`` roughly doubles H and W. ``padding`` *crops* that many rows
    and columns from each side of the result; ``output_padding`` adds some back at the
    bottom and right, to undo the rounding down of a strided convolution.

    See https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html.

    Shape
    -----
    - Input: (N, C_in, H, W)
    - Output: (N, C_out, H_out, W_out) with
      ``H_out = (H - 1)·stride - 2·padding + dilation·(kH - 1) + output_padding + 1``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default 1
    padding : int or (int, int), default 0
    output_padding : int or (int, int), default 0
        Must be smaller than ``stride`` or ``dilation``.
    groups : int, default 1
        Only 1 is supported (kept so positional arguments match torch).
    bias : bool, default True
    dilation : int or (int, int), default 1
    dtype : dtype, default float32
    rng : numpy.random.Generator or int, optional

    Attributes
    ----------
    weight : Parameter
        Shape (C_in, C_out, kH, kW) — note: *in* first, as in torch — initialised
        U(-1/sqrt(C_out·kH·kW), +1/sqrt(C_out·kH·kW)).
    bias : Parameter or None
        Shape (C_out,).
    kernel_size, stride, padding, output_padding, dilation : (int, int)

    Examples
    --------
    >>> up = ConvTranspose2d(16, 8, kernel_size=2, stride=2)
    >>> up.weight.shape
    (16, 8, 2, 2)
    >>> up(np.zeros((4, 16, 7, 7), dtype=np.float32)).shape
    (4, 8, 14, 14)
    >>> ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1).output_shape((4, 16, 7, 7))
    (4, 8, 14, 14)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        output_padding: int | tuple[int, int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, int] = 1,
        *,
        dtype: DTypeLike = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        self._setup(in_channels, out_channels, kernel_size, stride, padding, dilation, groups)
        name = type(self).__name__
        self.output_padding = pair(name, "output_padding", output_padding, 0)
        for axis, op, s, d in zip(
            "HW", self.output_padding, self.stride, self.dilation, strict=True
        ):
            if op >= s and op >= d:
                raise LayerValueError(
                    f"{name}: output_padding {op} must be smaller than stride {s} or dilation {d} "
                    f"(axis {axis})"
                )
        c_out, (kh, kw) = self.out_channels, self.kernel_size
        # torch computes fan_in from weight.size(1), which is C_out here
        self._init_parameters((self.in_channels, c_out), c_out * kh * kw, bias, dtype, rng)
        self._work = Workspace()

    torch_class = "ConvTranspose2d"

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import transposed_field

        return transposed_field(f, shape_in, self.kernel_size, self.stride, self.dilation)

    def macs(self, shape_in: Shape, shape_out: Shape) -> int:
        """Every input value stamps C_out·kH·kW products."""
        return math.prod(shape_in) * self.out_channels * math.prod(self.kernel_size)

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        check_channels(name, (n, c, h, w), self.in_channels, "in_channels")
        size = []
        for axis, m, k, s, p, op, d in zip(
            "HW",
            (h, w),
            self.kernel_size,
            self.stride,
            self.padding,
            self.output_padding,
            self.dilation,
            strict=True,
        ):
            out = (m - 1) * s - 2 * p + d * (k - 1) + op + 1
            if out <= 0 or m == 0:
                raise LayerValueError(
                    f"{name}: output {axis} would be {out} = ({axis}={m} - 1)·stride {s} "
                    f"- 2·padding {p} + dilation {d}·(kernel_size {k} - 1) "
                    f"+ output_padding {op} + 1; it must be > 0"
                )
            size.append(out)
        return (n, self.out_channels, size[0], size[1])

    def _buffer_hw(self, in_hw: tuple[int, int], out_hw: tuple[int, int]) -> tuple[int, int]:
        """Height and width of the uncropped result: every stamp, and the kept window."""
        hw = []
        for m, o, k, s, p, d in zip(
            in_hw, out_hw, self.kernel_size, self.stride, self.padding, self.dilation, strict=True
        ):
            hw.append(max((m - 1) * s + d * (k - 1) + 1, p + o))
        return (hw[0], hw[1])

    def forward(self, x: Any) -> NDArray[np.floating]:
        # Channels first, (C, N, …): then the whole batch is one matrix product.
        n, c_out, ho, wo = out_shape = self.output_shape(x.shape)
        c_in, h, w = x.shape[1:]
        kh, kw = self.kernel_size
        ph, pw = self.padding
        x_cn = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).reshape(c_in, n * h * w)
        w2 = self.weight.data.reshape(c_in, -1).astype(x.dtype, copy=False)  # (C_in, K)
        cols = self._work.get("cols", (c_out * kh * kw, n * h * w), x.dtype)
        np.matmul(w2.T, x_cn, out=cols)  # (C_out·kH·kW, N·H·W): one stamp per input value
        stamps = cols.reshape(c_out, kh, kw, n, h, w).transpose(0, 3, 1, 2, 4, 5)
        buf_hw = self._buffer_hw((h, w), (ho, wo))
        full = self._work.get("full", (c_out, n, *buf_hw), x.dtype)
        col2im(stamps, buf_hw, self.stride, self.dilation, out=full)  # (C_out, N, H_buf, W_buf)
        kept = full[:, :, ph : ph + ho, pw : pw + wo].transpose(1, 0, 2, 3)  # crop `padding`
        out = np.empty(out_shape, x.dtype)  # (N, C_out, H_out, W_out)
        if self.bias is not None:
            np.add(kept, self.bias.data.astype(x.dtype, copy=False)[:, None, None], out=out)
        else:
            out[...] = kept
        self.save_for_backward(out_shape, x_cn=x_cn, in_shape=x.shape, buf_hw=buf_hw)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        x_cn, (n, c_in, h, w) = saved["x_cn"], saved["in_shape"]
        _, c_out, ho, wo = saved["out_shape"]
        kh, kw = self.kernel_size
        ph, pw = self.padding
        g = grad_out.astype(x_cn.dtype, copy=False)
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=(0, 2, 3)))  # (C_out,)
        # Un-crop: grad_out sits at offset `padding` inside the uncropped buffer, whose
        # border stays zero (written once).
        gbuf = self._work.zeros_once("gbuf", (c_out, n, *saved["buf_hw"]), g.dtype)
        gbuf[:, :, ph : ph + ho, pw : pw + wo] = g.transpose(1, 0, 2, 3)  # (C_out, N, …)
        gcols = self._work.get("gcols", (c_out, kh, kw, n, h, w), g.dtype)
        im2col(gbuf, self.kernel_size, self.stride, self.dilation, (h, w),
               out=gcols.transpose(0, 3, 1, 2, 4, 5))  # fmt: skip
        gcols2 = gcols.reshape(c_out * kh * kw, n * h * w)  # (K, N·H·W)
        self.weight.accumulate((x_cn @ gcols2.T).reshape(self.weight.shape))  # (C_in, K)
        w2 = self.weight.data.reshape(c_in, -1).astype(g.dtype, copy=False)  # (C_in, K)
        grad_cn = (w2 @ gcols2).reshape(c_in, n, h, w)  # (C_in, N, H, W)
        return grad_cn.transpose(1, 0, 2, 3).copy()  # (N, C_in, H, W)
