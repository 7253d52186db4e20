"""Bad input: a ValueError/TypeError that names the layer, the argument and the arithmetic.

Never a NumPy broadcasting traceback, never a silent wrong answer. Each message is also
checked against ``output_shape``, which must refuse exactly as ``forward`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from layerguide import LayerguideError
from layerguide.errors import ArgumentError, ArgumentTypeError, StateError
from layerguide.layers import (
    SGD,
    BCELoss,
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)


def f32(*shape: int) -> np.ndarray:
    return np.zeros(shape, dtype=np.float32)


CONSTRUCTION = [  # (build, exception, message)
    (lambda: Conv2d(3, 16, 0), ArgumentError, "Conv2d: kernel_size must be > 0, got 0"),
    (lambda: Conv2d(3, 16, -2), ArgumentError, "Conv2d: kernel_size must be > 0, got -2"),
    (lambda: Conv2d(3, 16, 3, stride=0), ArgumentError, "Conv2d: stride must be > 0, got 0"),
    (lambda: Conv2d(3, 16, 3, stride=(1, -1)), ArgumentError, "Conv2d: stride must be > 0"),
    (lambda: Conv2d(3, 16, 3, padding=-1), ArgumentError, "Conv2d: padding must be >= 0, got -1"),
    (lambda: Conv2d(3, 16, 3, dilation=0), ArgumentError, "Conv2d: dilation must be > 0"),
    (lambda: Conv2d(0, 16, 3), ArgumentError, "Conv2d: in_channels must be > 0, got 0"),
    (lambda: Conv2d(3, 16, 2.5), ArgumentTypeError, "Conv2d: kernel_size must be an int, got 2.5"),  # type: ignore[arg-type]
    (lambda: Conv2d(3, 16, True), ArgumentTypeError, "Conv2d: kernel_size must be an int, got True"),
    (lambda: Conv2d(3, 16, (3, 3, 3)), ArgumentError, "Conv2d: kernel_size must be an int or a pair"),  # type: ignore[arg-type]
    (lambda: Conv2d(3, 16, 3, groups=3), ArgumentError, "Conv2d: only groups=1 is supported"),
    (lambda: Linear(-1, 3), ArgumentError, "Linear: in_features must be >= 0, got -1"),
    (lambda: ConvTranspose2d(4, 2, 3, stride=2, output_padding=2), ArgumentError,
     "ConvTranspose2d: output_padding 2 must be smaller than stride 2 or dilation 1"),
    (lambda: ConvTranspose2d(4, 2, 3, stride=1, output_padding=1), ArgumentError,
     "ConvTranspose2d: output_padding 1 must be smaller than stride 1 or dilation 1"),
    (lambda: ConvTranspose2d(4, 2, 3, padding=-1), ArgumentError,
     "ConvTranspose2d: padding must be >= 0, got -1"),
    (lambda: MaxPool2d(0), ArgumentError, "MaxPool2d: kernel_size must be > 0, got 0"),
    (lambda: MaxPool2d(2, stride=0), ArgumentError, "MaxPool2d: stride must be > 0, got 0"),
    (lambda: MaxPool2d(2, padding=-1), ArgumentError, "MaxPool2d: padding must be >= 0, got -1"),
    (lambda: MaxPool2d(3, padding=2), ArgumentError,
     "MaxPool2d: padding 2 must be at most half the kernel_size (H: kernel_size // 2 = 3 // 2 = 1)"),
    (lambda: MaxUnpool2d(2, stride=-2), ArgumentError, "MaxUnpool2d: stride must be > 0, got -2"),
    (lambda: Upsample(0), ArgumentError, "Upsample: scale_factor must be > 0, got 0"),
    (lambda: Upsample(1.5), ArgumentTypeError, "Upsample: scale_factor must be an int, got 1.5"),  # type: ignore[arg-type]
    (lambda: Upsample(2, mode="bilinear"), ArgumentError, "Upsample: mode must be one of"),
    (lambda: Flatten(1.0), ArgumentTypeError, "Flatten: start_dim must be an int, got 1.0"),  # type: ignore[arg-type]
    (lambda: Sequential(Linear(2, 3), "relu"), ArgumentTypeError,  # type: ignore[arg-type]
     "Sequential: argument 1 must be a layer (Module), got str"),
    (lambda: MSELoss("average"), ArgumentError, "MSELoss: reduction must be one of"),
    (lambda: SGD(Linear(2, 3).parameters(), lr=0), ArgumentError, "SGD: lr must be > 0, got 0"),
    (lambda: SGD([np.zeros(3)], lr=0.1), ArgumentTypeError, "SGD: params[0] must be a Parameter"),  # type: ignore[list-item]
]  # fmt: skip


@pytest.mark.parametrize(("build", "exc", "message"), CONSTRUCTION)
def test_bad_arguments(build: Callable[[], object], exc: type, message: str) -> None:
    with pytest.raises(exc, match=re.escape(message)) as info:
        build()
    assert isinstance(info.value, LayerguideError)


SHAPES = [  # (layer, input shape, message) — forward and output_shape must both say this
    (Conv2d(3, 16, 3), (3, 28, 28),
     "Conv2d: input must be 4-D (N, C, H, W), got 3-D shape (3, 28, 28) (add a batch axis with x[None])"),
    (Conv2d(3, 16, 3), (28, 28), "Conv2d: input must be 4-D (N, C, H, W), got 2-D shape (28, 28)"),
    (Conv2d(3, 16, 3), (2, 1, 28, 28),
     "Conv2d: input has 1 channels (shape (2, 1, 28, 28)) but in_channels=3"),
    (Conv2d(1, 1, 5, padding=1), (1, 1, 2, 9),
     "Conv2d: kernel_size 5 is larger than padded input 4 (H=2, padding=1)"),
    (Conv2d(1, 1, (1, 3), dilation=2), (1, 1, 4, 4),
     "Conv2d: kernel_size 3, dilation=2 so it spans 5 is larger than padded input 4 (W=4, padding=0)"),
    (ConvTranspose2d(16, 8, 2, stride=2), (4, 8, 7, 7),
     "ConvTranspose2d: input has 8 channels (shape (4, 8, 7, 7)) but in_channels=16"),
    (ConvTranspose2d(1, 1, 3, padding=2), (1, 1, 1, 5),
     ("ConvTranspose2d: output H would be -1 = (H=1 - 1)·stride 1 - 2·padding 2 + "
      "dilation 1·(kernel_size 3 - 1) + output_padding 0 + 1; it must be > 0")),
    (ConvTranspose2d(1, 1, 3), (1, 7, 7), "ConvTranspose2d: input must be 4-D (N, C, H, W)"),
    (MaxPool2d(3), (1, 1, 2, 5), "MaxPool2d: kernel_size 3 is larger than padded input 2 (H=2, padding=0)"),
    (MaxPool2d(2), (16, 28, 28), "MaxPool2d: input must be 4-D (N, C, H, W), got 3-D shape"),
    (MaxPool2d(2, padding=1, dilation=3), (1, 1, 2, 4),
     ("MaxPool2d: window 0 along H lies entirely in the padding (H=2, kernel_size=2, padding=1, "
      "dilation=3: its taps are at [-1, 2])")),
    (MaxUnpool2d(2), (16, 14, 14), "MaxUnpool2d: input must be 4-D (N, C, H, W)"),
    (MaxUnpool2d(3, stride=1, padding=2), (1, 1, 1, 1),
     "MaxUnpool2d: output H would be -1 = (1 - 1)·1 - 2·2 + 3; it must be > 0"),
    (Upsample(2), (8, 4, 4), "Upsample: input must be 4-D (N, C, H, W), got 3-D shape (8, 4, 4)"),
    (Linear(4, 2), (3, 5), "Linear: input's last axis has size 5 (shape (3, 5)) but in_features=4"),
    (Linear(4, 2), (), "Linear: input must have at least 1 axis (*, in_features=4), got a scalar"),
    (Flatten(2), (3, 4), "Flatten: start_dim=2, end_dim=-1 out of range for a 2-D input"),
    (Flatten(2, 1), (3, 4, 5), "Flatten: start_dim=2 comes after end_dim=1 (axes 2 > 1)"),
    (Sequential(Conv2d(1, 4, 3), Flatten(), Linear(100, 1)), (2, 1, 28, 28),
     "Linear: input's last axis has size 2704 (shape (2, 2704)) but in_features=100"),
]  # fmt: skip


@pytest.mark.parametrize(("layer", "shape", "message"), SHAPES)
def test_bad_input_shapes(layer, shape: tuple[int, ...], message: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(message)):
        layer.output_shape(shape)
    extra = (np.zeros(shape, dtype=np.int64),) if isinstance(layer, MaxUnpool2d) else ()
    with pytest.raises(ArgumentError, match=re.escape(message)):
        layer(f32(*shape), *extra)


@pytest.mark.parametrize(
    "layer",
    [
        Conv2d(1, 1, 1),
        ConvTranspose2d(1, 1, 1),
        MaxPool2d(1),
        Upsample(2),
        Linear(1, 1),
        ReLU(),
        Sigmoid(),
        Flatten(),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_non_float_input(layer) -> None:
    name = type(layer).__name__
    x = np.zeros((1, 1, 2, 1), dtype=np.int64)
    with pytest.raises(ArgumentTypeError, match=re.escape(f"{name}: input must be floating point")):
        layer(x)
    with pytest.raises(ArgumentTypeError, match=f"{name}: input must be a numpy.ndarray, got list"):
        layer(x.tolist())


def test_unpool_indices() -> None:
    unpool = MaxUnpool2d(2)
    x = f32(1, 2, 3, 3)
    with pytest.raises(
        ArgumentError,
        match=re.escape(
            "MaxUnpool2d: indices have shape (1, 2, 2, 2) but the input has shape (1, 2, 3, 3)"
        ),
    ):
        unpool(x, np.zeros((1, 2, 2, 2), dtype=np.int64))
    with pytest.raises(
        ArgumentError,
        match=re.escape(
            "MaxUnpool2d: indices must lie in [0, 36) = [0, H_out·W_out) for output 6×6, got min 36 and max 36"
        ),
    ):
        unpool(x, np.full((1, 2, 3, 3), 36))
    with pytest.raises(ArgumentTypeError, match="MaxUnpool2d: indices must be an integer ndarray"):
        unpool(x, np.zeros((1, 2, 3, 3)))
    with pytest.raises(
        ArgumentError,
        match=re.escape(
            "MaxUnpool2d: output_size H=8 must lie strictly between 4 and 8 (default 6 ± stride 2)"
        ),
    ):
        unpool(x, np.zeros((1, 2, 3, 3), dtype=np.int64), output_size=(8, 6))


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (Conv2d(1, 2, 3), (1, 1, 5, 5)),
        (ConvTranspose2d(1, 2, 3), (1, 1, 5, 5)),
        (MaxPool2d(2), (1, 1, 4, 4)),
        (Upsample(2), (1, 1, 2, 2)),
        (Linear(3, 2), (4, 3)),
        (ReLU(), (3,)),
        (Sigmoid(), (3,)),
        (Flatten(), (2, 3, 4)),
        (Sequential(Linear(3, 2), ReLU()), (4, 3)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else "",
)
def test_backward_before_forward_and_wrong_grad(layer, shape) -> None:
    name = type(layer.layers[-1] if isinstance(layer, Sequential) else layer).__name__
    with pytest.raises(StateError, match=f"{name}: backward called before forward") as info:
        layer.backward(f32(*shape))
    assert isinstance(info.value, RuntimeError)
    out = layer(f32(*shape))
    bad = f32(*out.shape, 1)
    with pytest.raises(
        ArgumentError,
        match=re.escape(
            f"{name}.backward: grad_out has shape {bad.shape} but the last forward returned shape {out.shape}"
        ),
    ):
        layer.backward(bad)


def test_unpool_backward_before_forward() -> None:
    with pytest.raises(StateError, match="MaxUnpool2d: backward called before forward"):
        MaxUnpool2d(2).backward(f32(1, 1, 4, 4))


def test_losses_bad_input() -> None:
    with pytest.raises(
        ArgumentError,
        match=re.escape("MSELoss: output shape (4, 1) and target shape (4,) differ"),
    ):
        MSELoss()(f32(4, 1), f32(4))
    with pytest.raises(ArgumentError, match="BCELoss: output must hold probabilities in"):
        BCELoss()(np.array([1.5]), np.array([1.0]))
    with pytest.raises(StateError, match="BCELoss: backward called before forward"):
        BCELoss().backward()
    with pytest.raises(ArgumentTypeError, match="MSELoss: target must be floating point"):
        MSELoss()(f32(2), np.array([1, 0]))
