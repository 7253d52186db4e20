"""torch_twin: every NumPy layer's PyTorch twin computes the same output (float64)."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pytest
import torch
from numpy.typing import DTypeLike

from layerguide import LayerguideError
from layerguide.errors import ArgumentTypeError
from layerguide.layers import (
    BCELoss,
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)
from layerguide.torch_twin import torch_twin


class _Dtype(TypedDict):
    dtype: DTypeLike


F64: _Dtype = {"dtype": np.float64}
CASES = {
    "linear": (lambda: Linear(5, 3, rng=0, **F64), (4, 5)),
    "linear-no-bias": (lambda: Linear(5, 3, bias=False, rng=1, **F64), (2, 7, 5)),
    "conv": (lambda: Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, rng=2, **F64), (2, 2, 11, 9)),
    "conv-rect": (
        lambda: Conv2d(3, 2, (3, 1), padding=(1, 0), bias=False, rng=3, **F64),
        (1, 3, 6, 5),
    ),
    "conv-transpose": (
        lambda: ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, rng=4, **F64),
        (2, 4, 5, 5),
    ),
    "maxpool": (lambda: MaxPool2d(3, stride=2, padding=1), (2, 3, 9, 8)),
    "upsample": (lambda: Upsample(scale_factor=(2, 3)), (1, 2, 3, 4)),
    "relu-sigmoid-flatten": (lambda: Sequential(ReLU(), Sigmoid(), Flatten()), (2, 3, 4, 4)),
    "small-net": (
        lambda: Sequential(
            Conv2d(1, 4, 3, padding=1, rng=5, **F64),
            ReLU(),
            MaxPool2d(2),
            Flatten(),
            Linear(4 * 4 * 4, 3, rng=6, **F64),
        ),
        (2, 1, 8, 8),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_twin_computes_the_same_output(name: str) -> None:
    make, shape = CASES[name]
    layer = make()
    x = np.random.default_rng(7).standard_normal(shape)
    twin = torch_twin(layer)
    np.testing.assert_allclose(
        twin(torch.from_numpy(x)).detach().numpy(), layer(x), rtol=1e-12, atol=1e-12
    )


def test_max_unpool_twin_takes_the_pooling_indices() -> None:
    x = np.random.default_rng(8).standard_normal((1, 2, 6, 6))
    pool = MaxPool2d(2, return_indices=True)
    pooled, indices = pool(x)
    ours = MaxUnpool2d(2)(pooled, indices)
    t_pooled, t_indices = torch_twin(pool)(torch.from_numpy(x))
    assert np.array_equal(t_indices.numpy(), indices)
    np.testing.assert_array_equal(torch_twin(MaxUnpool2d(2))(t_pooled, t_indices).numpy(), ours)


def test_weights_are_copied_not_shared() -> None:
    layer = Linear(2, 2, rng=0)
    twin = torch_twin(layer)
    assert twin.weight.dtype == torch.float32
    with torch.no_grad():
        twin.weight.zero_()
    assert np.abs(layer.weight.data).sum() > 0


def test_a_subclass_gets_its_parents_twin() -> None:
    class Edge(Conv2d):
        pass

    assert isinstance(torch_twin(Edge(1, 1, 3, rng=0)), torch.nn.Conv2d)


def test_a_layer_without_twin_is_refused_by_name() -> None:
    with pytest.raises(ArgumentTypeError, match="torch_twin: no PyTorch twin for BCELoss") as info:
        torch_twin(BCELoss())  # type: ignore[arg-type]  # a loss is not a layer, on purpose
    assert isinstance(info.value, LayerguideError)


def test_a_nested_sequential_gets_a_nested_twin_with_the_same_parameter_names() -> None:
    layer = Sequential(Sequential(Conv2d(1, 2, 3, rng=0, **F64), ReLU()), Flatten())
    twin = torch_twin(layer)
    assert [name for name, _ in layer.named_parameters()] == ["0.0.weight", "0.0.bias"]
    assert [name for name, _ in twin.named_parameters()] == ["0.0.weight", "0.0.bias"]
    x = np.random.default_rng(9).standard_normal((2, 1, 5, 5))
    np.testing.assert_allclose(twin(torch.from_numpy(x)).detach().numpy(), layer(x), rtol=1e-12)


def test_a_parameter_torch_does_not_have_is_refused_by_name() -> None:
    from layerguide.layers import Parameter

    class ScaledLinear(Linear):
        def __init__(self) -> None:
            super().__init__(2, 3, rng=0)
            self.scale = Parameter(np.ones(3, dtype=np.float32))

    with pytest.raises(
        ArgumentTypeError, match=r"ScaledLinear has parameters \['bias', 'scale', 'weight'\]"
    ):
        torch_twin(ScaledLinear())


def test_settings_without_a_torch_layer_are_refused_by_name() -> None:
    with pytest.raises(ArgumentTypeError, match=r"no PyTorch twin for Upsample\(.*bed_of_nails"):
        torch_twin(Upsample(2, mode="bed_of_nails"))
