"""2-D convolution (``torch.nn.Conv2d``) as im2col + one matrix product.

The windows matrix comes from :class:`~layerguide.layers._fast.Windows`, which hides the
speed tricks (wide rows over a canvas of the batch at stride 1, stride phases otherwise,
reused buffers). It is a stack of B matrices: one for the whole batch at stride 1, one per
image otherwise, so every product below is ``@`` on stacks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.layers._checks import Shape, check_channels, check_rank, window_out_hw
from layerguide.layers._conv_base import ConvBase
from layerguide.layers._fast import Windows, Workspace

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

    torch_class = "Conv2d"
    weight_in_first = True  # (C_out, C_in, kH, kW), like torch

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import window_field

        return window_field(f, shape_in, self.kernel_size, self.stride, self.dilation)

    def macs(self, shape_in: Shape, shape_out: Shape) -> int:
        """Every output value: C_in·kH·kW products."""
        return math.prod(shape_out) * self.in_channels * math.prod(self.kernel_size)

    def output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        n, c, h, w = check_rank(name, input_shape, 4, "(N, C, H, W)")
        check_channels(name, (n, c, h, w), self.in_channels, "in_channels")
        ho, wo = window_out_hw(
            name, (h, w), self.kernel_size, self.stride, self.padding, self.dilation
        )
        return (n, self.out_channels, ho, wo)

    def forward(self, x: Any) -> NDArray[np.floating]:
        _, c_out, ho, wo = out_shape = self.output_shape(x.shape)
        windows = Windows(self, x.shape, (ho, wo))  # where this layer's windows lie on x
        cols = windows.columns(x)  # (B, C_in·kH·kW, L): one column per output pixel
        w2 = self.weight.data.reshape(c_out, -1).astype(x.dtype, copy=False)  # (C_out, C_in·kH·kW)
        bias = None if self.bias is None else self.bias.data.astype(x.dtype, copy=False)
        y = windows.product(w2, cols)  # w2 @ cols, (B, C_out, L): every filter · every window
        out = windows.to_output(y, bias)  # (N, C_out, H_out, W_out)
        self.save_for_backward(out_shape, cols=cols, windows=windows)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        cols, windows = saved["cols"], saved["windows"]  # (B, C_in·kH·kW, L)
        g = windows.from_output(grad_out.astype(cols.dtype, copy=False))  # (B, C_out, L)
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=(0, 2)))  # (C_out,): summed over every output pixel
        grad_w = (g @ cols.swapaxes(1, 2)).sum(axis=0)  # (C_out, C_in·kH·kW)
        self.weight.accumulate(grad_w.reshape(self.weight.shape))
        w2 = self.weight.data.reshape(g.shape[1], -1).astype(cols.dtype, copy=False)
        gcols = self._work.matmul("gcols", w2.T, g)  # (B, C_in·kH·kW, L): what each tap sent
        return windows.fold(gcols)  # add the columns back where they came from: (N, C_in, H, W)
