"""What the tracer knows about a NumPy layer beyond its shapes: its MACs and receptive field.

A layer describes itself (see :class:`~layerguide.layers.Module`): its ``output_shape``
gives the shapes, its ``named_parameters()`` the counts, and its ``field`` and ``macs``
methods the rest, usually through the helpers below (:func:`window_field` for a sliding
window, :func:`stretch_field` for upsampling, …). A layer that does not say is still
traced (shapes and parameters), but the trace lists it in ``unknown_ops`` and assumes it
mixes every input pixel.

For a layer class you cannot edit, :func:`register_layer` gives the same facts from
outside; a registered rule wins over the methods of the class it names and of its
parents, looked up along the method resolution order:

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from layerguide.errors import ArgumentTypeError
from layerguide.layers import Module
from layerguide.tracer.field import Field, transposed_footprint, window_footprint

__all__ = [
    "LayerRule",
    "dense_field",
    "elementwise_field",
    "register_layer",
    "rule_for",
    "stretch_field",
    "transposed_field",
    "window_field",
]

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
    #: Whether the output shares the input's memory (a reshape or transpose), so that
    #: its row's ``output_bytes`` is 0.
    view: bool = False


_RULES: dict[type, LayerRule] = {}


def register_layer(
    cls: type,
    *,
    field: FieldRule,
    macs: MacsRule = no_macs,
    weight_in_first: bool = False,
    view: bool = False,
) -> LayerRule:
    """Tell the tracer how ``cls`` (and its subclasses) changes the receptive field and
    how many MACs it costs, and whether its output is a view of its input (``view``: it
    adds no activation memory); returns the rule. Registering a class again replaces its
    rule.
    """
    if not isinstance(cls, type) or not hasattr(cls, "output_shape"):
        raise ArgumentTypeError(
            f"register_layer: cls must be a layer class with an output_shape method, got {cls!r}"
        )
    rule = LayerRule(field=field, macs=macs, weight_in_first=weight_in_first, view=view)
    _RULES[cls] = rule
    return rule


def rule_for(layer: Any) -> LayerRule | None:
    """The rule of the nearest class in ``type(layer).__mro__`` that has one.

    A class has one if it was registered with :func:`register_layer`, or if it defines
    ``field`` or ``macs`` itself (the base ``Module``'s defaults do not count).
    """
    for cls in type(layer).__mro__:
        if cls in _RULES:
            return _RULES[cls]
        if cls is Module:
            return None
        if "field" in vars(cls) or "macs" in vars(cls):
            return _own_rule(layer)
    return None


def _own_rule(layer: Any) -> LayerRule:
    """The rule a layer declares with its own ``field`` and ``macs`` methods."""
    return LayerRule(
        field=lambda lay, f, shape_in, shape_out: lay.field(f, shape_in, shape_out),
        macs=lambda lay, shape_in, shape_out: int(lay.macs(shape_in, shape_out)),
        weight_in_first=bool(getattr(layer, "weight_in_first", False)),
        view=bool(getattr(layer, "output_is_view", False)),
    )


def on_grid(f: Field, shape_in: Shape) -> bool:
    """Whether the input is still an (N, C, H, W) grid whose field has a jump."""
    return f.jump is not None and len(shape_in) == 4


# ------------------------------------------------------------- fields of the usual layers
# A layer's ``field`` method calls one of these with its own numbers; each returns None
# when the input is no longer an image grid (the layer then counts as unknown).


def window_field(
    f: Field,
    shape_in: Shape,
    kernel: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    padding: Sequence[int] | None = None,
) -> Field | None:
    """A sliding window (convolution, max pooling): ``d·(k − 1) + 1`` pixels, ``s`` apart.

    With ``padding`` (per side) the field also knows where it lies (``Field.start``),
    which a merge of branches needs; without it the field has only its size.
    """
    if not on_grid(f, shape_in):
        return None
    fp = [window_footprint(k, d) for k, d in zip(kernel, dilation, strict=True)]
    return f.window(shape_in[-2:], fp, [Fraction(s) for s in stride], padding)


def transposed_field(
    f: Field, shape_in: Shape, kernel: Sequence[int], stride: Sequence[int], dilation: Sequence[int]
) -> Field | None:
    """Stamps ``stride`` apart (transposed convolution): a fractional step ``1/s``."""
    if not on_grid(f, shape_in):
        return None
    fp = [transposed_footprint(k, s, d) for k, s, d in zip(kernel, stride, dilation, strict=True)]
    return f.window(shape_in[-2:], fp, [Fraction(1, s) for s in stride])


def stretch_field(f: Field, shape_in: Shape, shape_out: Shape) -> Field | None:
    """Each output pixel comes from one input pixel (upsampling, unpooling)."""
    if not on_grid(f, shape_in):
        return None
    hw_in = shape_in[-2:]
    step = [Fraction(a, b) for a, b in zip(hw_in, shape_out[-2:], strict=True)]
    return f.window(hw_in, [1, 1], step, (0, 0))


def elementwise_field(f: Field, shape_in: Shape, shape_out: Shape) -> Field:
    """Same grid out as in (activations); a reshape that ends the grid (Flatten)."""
    keep = len(shape_out) == 4 and shape_out[-2:] == shape_in[-2:]
    return f if keep else f.flat(shape_in[-2:])


def dense_field(f: Field, shape_in: Shape) -> Field:
    """Linear mixes its last axis: the W axis of a grid, everything after a Flatten."""
    if on_grid(f, shape_in):
        return f.mix(shape_in[-2:], (False, True))
    return f.mix(shape_in[-2:])
