"""What the tracer knows about each NumPy layer class: its MACs and its receptive field.

The shapes come from the layer itself (``output_shape``) and the parameter counts from its
``weight`` and ``bias``; the rest needs a :class:`LayerRule`, looked up by class along the
method resolution order: a subclass of :class:`~layerguide.layers.Conv2d` is traced as a
convolution. A layer class without a rule still gets its row (shapes and parameters), but
the trace lists it in ``unknown_ops`` and assumes it mixes every input pixel.

Add a rule for your own layer with :func:`register_layer`:

>>> import numpy as np
>>> from layerguide.layers import Module, Sequential
>>> from layerguide.tracer import register_layer, trace
>>> class Shift(Module):  # moves the image one pixel right: same shape, no parameters
...     def output_shape(self, input_shape):
...         return tuple(input_shape)
>>> _ = register_layer(Shift, field=lambda layer, f, shape_in, shape_out: f)
>>> trace(Sequential(Shift()), (1, 3, 8, 8)).rows[0].receptive_field
(1, 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from layerguide.layers import (
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    ReLU,
    Sigmoid,
    Upsample,
)
from layerguide.tracer.errors import TraceModelError
from layerguide.tracer.field import Field, transposed_footprint, window_footprint

__all__ = ["LayerRule", "register_layer", "rule_for"]

Shape = tuple[int, ...]
#: ``field(layer, f, shape_in, shape_out)``: the field after the layer, or ``None`` when
#: the rule does not apply to these shapes (then the layer counts as unknown).
FieldRule = Callable[[Any, Field, Shape, Shape], Field | None]
#: ``macs(layer, shape_in, shape_out)``: multiply-accumulates of one forward pass.
MacsRule = Callable[[Any, Shape, Shape], int]


def no_macs(layer: Any, shape_in: Shape, shape_out: Shape) -> int:
    """For layers that multiply nothing (activations, pooling, reshaping)."""
    return 0


@dataclass(frozen=True)
class LayerRule:
    """How to trace one layer class beyond its shapes (see :func:`register_layer`)."""

    #: ``field(layer, f, shape_in, shape_out)``: the receptive
    #: :class:`~layerguide.tracer.field.Field` after the layer, given the field ``f`` before
    #: it; ``None`` when it does not apply.
    field: FieldRule
    #: ``macs(layer, shape_in, shape_out)``: multiply-accumulates of one forward pass.
    macs: MacsRule = no_macs
    #: Show the weight as ``in×out×…`` in the parameter formula when the layer stores it
    #: out-first, like torch (Linear, Conv2d).
    weight_in_first: bool = False


_RULES: dict[type, LayerRule] = {}


def register_layer(
    cls: type,
    *,
    field: FieldRule,
    macs: MacsRule = no_macs,
    weight_in_first: bool = False,
) -> LayerRule:
    """Tell the tracer how ``cls`` (and its subclasses) changes the receptive field and
    how many MACs it costs; returns the rule. Registering a class again replaces its rule.
    """
    if not isinstance(cls, type) or not hasattr(cls, "output_shape"):
        raise TraceModelError(
            f"register_layer: cls must be a layer class with an output_shape method, got {cls!r}"
        )
    rule = LayerRule(field=field, macs=macs, weight_in_first=weight_in_first)
    _RULES[cls] = rule
    return rule


def rule_for(layer: Any) -> LayerRule | None:
    """The rule of the nearest class in ``type(layer).__mro__`` that has one."""
    for cls in type(layer).__mro__:
        if cls in _RULES:
            return _RULES[cls]
    return None


def on_grid(f: Field, shape_in: Shape) -> bool:
    """Whether the input is still an (N, C, H, W) grid whose field has a jump."""
    return f.jump is not None and len(shape_in) == 4


# ----------------------------------------------------------------------------- built-in rules


def _window(layer: Any, f: Field, shape_in: Shape, shape_out: Shape) -> Field | None:
    """A sliding window (convolution, max pooling)."""
    if not on_grid(f, shape_in):
        return None
    fp = [window_footprint(k, d) for k, d in zip(layer.kernel_size, layer.dilation, strict=True)]
    return f.window(shape_in[-2:], fp, [Fraction(s) for s in layer.stride])


def _transposed(layer: Any, f: Field, shape_in: Shape, shape_out: Shape) -> Field | None:
    """Stamps ``stride`` apart: a fractional step."""
    if not on_grid(f, shape_in):
        return None
    fp = [
        transposed_footprint(k, s, d)
        for k, s, d in zip(layer.kernel_size, layer.stride, layer.dilation, strict=True)
    ]
    return f.window(shape_in[-2:], fp, [Fraction(1, s) for s in layer.stride])


def _stretch(layer: Any, f: Field, shape_in: Shape, shape_out: Shape) -> Field | None:
    """Each output pixel comes from one input pixel (upsampling, unpooling)."""
    if not on_grid(f, shape_in):
        return None
    hw_in = shape_in[-2:]
    step = [Fraction(a, b) for a, b in zip(hw_in, shape_out[-2:], strict=True)]
    return f.window(hw_in, [1, 1], step)


def _elementwise(layer: Any, f: Field, shape_in: Shape, shape_out: Shape) -> Field:
    """Same grid out as in (activations); a reshape that ends the grid (Flatten)."""
    keep = len(shape_out) == 4 and shape_out[-2:] == shape_in[-2:]
    return f if keep else f.flat(shape_in[-2:])


def _dense(layer: Any, f: Field, shape_in: Shape, shape_out: Shape) -> Field:
    """Linear mixes its last axis: the W axis of a grid, everything after a Flatten."""
    if on_grid(f, shape_in):
        return f.mix(shape_in[-2:], (False, True))
    return f.mix(shape_in[-2:])


def _linear_macs(layer: Any, shape_in: Shape, shape_out: Shape) -> int:
    return math.prod(shape_out[:-1]) * layer.in_features * layer.out_features


def _conv_macs(layer: Any, shape_in: Shape, shape_out: Shape) -> int:
    """Every output value: C_in·kH·kW products."""
    kh, kw = layer.kernel_size
    return math.prod(shape_out) * layer.in_channels * kh * kw


def _transposed_macs(layer: Any, shape_in: Shape, shape_out: Shape) -> int:
    """Every input value stamps C_out·kH·kW products."""
    kh, kw = layer.kernel_size
    return math.prod(shape_in) * layer.out_channels * kh * kw


register_layer(Linear, field=_dense, macs=_linear_macs, weight_in_first=True)
register_layer(Conv2d, field=_window, macs=_conv_macs, weight_in_first=True)
register_layer(ConvTranspose2d, field=_transposed, macs=_transposed_macs)
register_layer(MaxPool2d, field=_window)
register_layer(Upsample, field=_stretch)
register_layer(MaxUnpool2d, field=_stretch)
register_layer(ReLU, field=_elementwise)
register_layer(Sigmoid, field=_elementwise)
register_layer(Flatten, field=_elementwise)
