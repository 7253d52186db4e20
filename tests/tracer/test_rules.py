"""The NumPy engine finds a layer's rule by class: subclasses and registered layers trace."""

from __future__ import annotations

import numpy as np
import pytest

from layerguide.errors import ArgumentTypeError
from layerguide.layers import Conv2d, Module, ReLU, Sequential
from layerguide.tracer import register_layer, trace
from layerguide.tracer.field import Field
from layerguide.tracer.rules import _RULES


class NamedConv(Conv2d):
    """A Conv2d under another name: it must still trace as a convolution."""


def test_a_subclass_of_conv2d_traces_as_a_convolution() -> None:
    shape = (1, 3, 32, 32)
    base = trace(Sequential(Conv2d(3, 8, 5, stride=2), ReLU()), shape).rows
    sub = trace(Sequential(NamedConv(3, 8, 5, stride=2), ReLU()), shape)
    assert sub.rows[0].kind == "NamedConv"
    assert sub.unknown_ops == ()
    for a, b in zip(base, sub.rows, strict=True):
        assert (b.macs, b.receptive_field, b.param_formula) == (
            a.macs,
            a.receptive_field,
            a.param_formula,
        )
    assert sub.rows[0].macs == 8 * 14 * 14 * 3 * 5 * 5
    assert sub.rows[0].receptive_field == (5, 5)


class SumPool(Module):
    """A user's layer: sums 2×2 blocks (one add per input value, counted as a MAC)."""

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        n, c, h, w = input_shape
        return (n, c, h // 2, w // 2)

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c, h, w = x.shape
        return x[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).sum((3, 5))


@pytest.fixture
def sumpool_rule() -> object:
    def field(layer: SumPool, f: Field, shape_in: tuple, shape_out: tuple) -> Field:
        return f.window(shape_in[-2:], [2, 2], [2, 2])

    def macs(layer: SumPool, shape_in: tuple, shape_out: tuple) -> int:
        return int(np.prod(shape_out)) * 4

    yield register_layer(SumPool, field=field, macs=macs)
    del _RULES[SumPool]


def test_an_unregistered_layer_gets_its_row_and_is_flagged() -> None:
    t = trace(Sequential(Conv2d(1, 2, 3), SumPool()), (1, 1, 10, 10))
    assert [r.output_shape for r in t.rows] == [(1, 2, 8, 8), (1, 2, 4, 4)]
    assert t.unknown_ops == ("SumPool",)
    assert t.rows[1].macs == 0
    assert t.rows[1].receptive_field == (10, 10)  # assumed to mix everything


@pytest.mark.usefixtures("sumpool_rule")
def test_a_registered_layer_gets_its_macs_and_field() -> None:
    t = trace(Sequential(Conv2d(1, 2, 3), SumPool()), (1, 1, 10, 10))
    assert t.unknown_ops == ()
    assert t.rows[1].macs == 2 * 4 * 4 * 4
    assert t.rows[1].receptive_field == (4, 4)  # 3 + (2 - 1)·1
    assert t.rows[1].effective_stride == (2, 2)


def test_register_layer_refuses_what_is_not_a_layer_class() -> None:
    with pytest.raises(ArgumentTypeError, match="register_layer: cls must be a layer class"):
        register_layer(SumPool(), field=lambda *a: None)  # type: ignore[arg-type]
