"""What Conv2d and ConvTranspose2d share: argument checks, parameters and ``extra_repr``.

Like torch's ``_ConvNd``: a subclass passes its arguments and the shape of its weight, and
gets checked pairs (``kernel_size``, ``stride``, ``padding``, ``dilation``), the
``weight`` and ``bias`` parameters and a torch-like ``repr``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from layerguide.errors import ArgumentError
from layerguide.layers._base import Module, Parameter, uniform_init
from layerguide.layers._checks import Pair, check_int, pair

IntOrPair = int | tuple[int, int]


class ConvBase(Module):
    """Base of the 2-D convolutions; not a layer by itself.

    Attributes
    ----------
    in_channels, out_channels : int
    kernel_size, stride, padding, dilation : (int, int)
    weight : Parameter
        Conv2d: (C_out, C_in, kH, kW); ConvTranspose2d: (C_in, C_out, kH, kW).
    bias : Parameter or None
        Shape (C_out,).
    """

    kernel_size: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    weight: Parameter
    bias: Parameter | None

    def _setup(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair,
        padding: IntOrPair,
        dilation: IntOrPair,
        groups: int,
    ) -> None:
        """Check and store the arguments every convolution has."""
        name = type(self).__name__
        self.in_channels = check_int(name, "in_channels", in_channels, 1)
        self.out_channels = check_int(name, "out_channels", out_channels, 1)
        self.kernel_size = pair(name, "kernel_size", kernel_size, 1)
        self.stride = pair(name, "stride", stride, 1)
        self.padding = pair(name, "padding", padding, 0)
        self.dilation = pair(name, "dilation", dilation, 1)
        if check_int(name, "groups", groups, 1) != 1:
            raise ArgumentError(f"{name}: only groups=1 is supported, got groups={groups}")

    def _init_parameters(
        self,
        weight_channels: tuple[int, int],
        fan_in: int,
        bias: bool,
        dtype: DTypeLike,
        rng: np.random.Generator | int | None,
    ) -> None:
        """torch's default initialisation, U(-1/sqrt(fan_in), +1/sqrt(fan_in))."""
        self.weight = uniform_init((*weight_channels, *self.kernel_size), fan_in, dtype, rng)
        self.bias = uniform_init((self.out_channels,), fan_in, dtype, rng) if bias else None

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        kwargs = {
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "bias": self.bias is not None,
            "dtype": self.weight.data.dtype,
        }
        if hasattr(self, "output_padding"):
            kwargs["output_padding"] = self.output_padding
        return (self.in_channels, self.out_channels), kwargs

    def extra_repr(self) -> str:
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        for arg, default in (("padding", (0, 0)), ("output_padding", (0, 0)), ("dilation", (1, 1))):
            value = getattr(self, arg, default)
            if value != default:
                s += f", {arg}={value}"
        if self.bias is None:
            s += ", bias=False"
        return s
