"""The NumPy engine counts what a layer holds and walks into nested Sequentials.

Its rows are checked against the torch engine's on the torch twin of the same model, and
against a real forward pass of the NumPy model.
"""

from __future__ import annotations

import numpy as np
import pytest

from layerguide.errors import ArgumentTypeError
from layerguide.layers import (
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)
from layerguide.torch_twin import torch_twin
from layerguide.tracer import trace

COLUMNS = ("name", "kind", "input_shape", "output_shape", "params", "param_formula", "macs",
           "receptive_field", "effective_stride")  # fmt: skip


def columns(t: object) -> list[tuple[object, ...]]:
    return [tuple(getattr(r, c) for c in COLUMNS) for r in t.rows]  # type: ignore[attr-defined]


def nested() -> Sequential:
    return Sequential(
        Sequential(Conv2d(1, 4, 3, rng=0), ReLU()), Flatten(), Linear(2704, 10, rng=1)
    )


def test_a_nested_sequential_counts_the_inner_convolution() -> None:
    t = trace(nested(), (1, 1, 28, 28))
    assert [r.name for r in t.rows] == ["0.0", "0.1", "1", "2"]
    assert [r.params for r in t.rows] == [40, 0, 0, 27_050]
    assert t.total_params == 27_090 == sum(p.numel() for p in nested().parameters())
    assert t.rows[0].param_formula == "1×4×3×3 + 4 = 40"
    assert t.unknown_ops == ()


def deeper() -> Sequential:
    return Sequential(
        Sequential(Conv2d(3, 8, 3, stride=2, padding=1), ReLU(), MaxPool2d(2)),
        Sequential(Sequential(ConvTranspose2d(8, 4, 2, stride=2), Sigmoid()), Upsample(2)),
        Flatten(), Linear(4 * 16 * 16, 5),
    )  # fmt: skip


@pytest.mark.parametrize(("make", "shape"), [(nested, (2, 1, 28, 28)), (deeper, (2, 3, 16, 16))])
def test_rows_match_the_torch_engine_on_the_twin(make, shape) -> None:
    model = make()
    assert columns(trace(model, shape)) == columns(trace(torch_twin(model), shape))


def test_rows_match_a_real_forward_pass() -> None:
    model = nested()
    x = np.random.default_rng(0).standard_normal((2, 1, 28, 28), dtype=np.float32)
    t = trace(model, x.shape)
    inner = model[0]
    assert isinstance(inner, Sequential)
    leaves = [inner[0], inner[1], model[1], model[2]]
    for row, layer in zip(t.rows, leaves, strict=True):
        y = layer(x)
        assert (row.input_shape, row.output_shape) == (x.shape, y.shape)
        assert row.params == sum(p.numel() for p in layer.parameters())
        x = y


class Gain(Module):
    """Multiplies every channel by a learned gain: one parameter, named ``gain``."""

    def __init__(self, channels: int) -> None:
        self.gain = Parameter(np.ones((1, channels, 1, 1), dtype=np.float32))

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(input_shape)


class Wrapped(Module):
    """A layer that holds a layer and runs it (a Module, but not a Sequential)."""

    def __init__(self, inner: Module) -> None:
        self.inner = inner

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return self.inner.output_shape(input_shape)


def test_parameters_are_counted_whatever_their_name() -> None:
    t = trace(Sequential(Conv2d(1, 6, 3), Gain(6)), (1, 1, 8, 8))
    assert t.rows[1].params == 6
    assert t.rows[1].param_formula == "1×6×1×1 = 6"
    assert t.total_params == 60 + 6


def test_a_layer_holding_a_layer_is_one_row_with_all_its_parameters() -> None:
    t = trace(Sequential(Wrapped(Conv2d(2, 3, 1)), ReLU()), (1, 2, 4, 4))
    assert [r.name for r in t.rows] == ["0", "1"]
    assert t.rows[0].params == 2 * 3 + 3
    assert t.rows[0].param_formula == "2×3×1×1 + 3 = 9"  # in×out, as the inner Conv2d says
    assert t.unknown_ops == ("Wrapped",)  # it did not say how it moves pixels


def test_a_parameter_shared_across_nested_rows_is_counted_once() -> None:
    conv = Conv2d(2, 2, 3, padding=1)
    t = trace(Sequential(Sequential(conv, ReLU()), conv), (1, 2, 5, 5))
    assert [r.params for r in t.rows] == [2 * 2 * 9 + 2, 0, 0]
    assert t.rows[2].param_formula == "(shared with 0.0)"


def test_a_layer_without_output_shape_is_refused_by_name() -> None:
    class Mystery(Module):
        pass

    with pytest.raises(ArgumentTypeError, match=r"trace: 1 \(Mystery\) has no output_shape"):
        trace(Sequential(ReLU(), Mystery()), (1, 3, 4, 4))


def test_something_that_is_not_a_layer_is_refused_with_its_place() -> None:
    model = Sequential(ReLU(), Sequential(ReLU()))
    inner = model[1]
    assert isinstance(inner, Sequential)
    inner.layers.append(object())  # type: ignore[arg-type]  # slipped past append()
    with pytest.raises(ArgumentTypeError, match=r"cannot trace object \(at 1\.1\)"):
        trace(model, (1, 3, 4, 4))


def test_a_layer_that_describes_itself_needs_no_registration() -> None:
    class SumPool(Module):
        def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
            n, c, h, w = input_shape
            return (n, c, h // 2, w // 2)

        def field(self, f, shape_in, shape_out):
            return f.window(shape_in[-2:], [2, 2], [2, 2])

        def macs(self, shape_in: tuple[int, ...], shape_out: tuple[int, ...]) -> int:
            return 4 * int(np.prod(shape_out))

    t = trace(Sequential(Conv2d(1, 2, 3), SumPool()), (1, 1, 10, 10))
    assert t.unknown_ops == ()
    assert (t.rows[1].macs, t.rows[1].receptive_field, t.rows[1].effective_stride) == (
        2 * 4 * 4 * 4,
        (4, 4),
        (2, 2),
    )
