"""Every row's shapes against a real forward pass on a small input."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tests.tracer.helpers import leaf_output_shapes, real_trace
from tests.tracer.models import Bottleneck, Functional, ResNet50
from torch import nn

from layerguide import trace
from layerguide.layers import (
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)
from layerguide.lesson.convnet import movie_convnet


class AutoEncoder(nn.Module):
    """Encoder, a Linear code, and a decoder with both ways of growing the image."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.code = nn.Linear(8 * 14 * 14, 32)
        self.expand = nn.Linear(32, 8 * 7 * 7)
        self.up = nn.Upsample(scale_factor=2)
        self.deconv = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.out = nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, x):
        h = self.enc(x)
        code = self.code(h.reshape(h.shape[0], -1))
        h = self.expand(code).view(-1, 8, 7, 7)
        h = self.deconv(self.up(h))
        return torch.sigmoid(self.out(F.interpolate(h, size=(28, 28))))


CASES = {
    "functional": (Functional, (2, 2, 16, 16)),
    "bottleneck": (lambda: Bottleneck(8, 4, 2, stride_in_1x1=False), (2, 8, 9, 9)),
    "resnet50": (lambda: ResNet50(True, num_classes=10), (1, 3, 32, 32)),
    "autoencoder": (AutoEncoder, (3, 1, 28, 28)),
    "mlp": (lambda: nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2)), (4, 6)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_meta_rows_equal_real_rows(case) -> None:
    factory, shape = CASES[case]
    torch.manual_seed(0)
    model = factory()
    meta = trace(model, shape)
    real = real_trace(model, shape)
    assert len(meta.rows) == len(real.rows) > 0
    for m, r in zip(meta.rows, real.rows, strict=True):
        assert m == r  # names, shapes, params, MACs and fields all agree
    assert meta.rows[0].input_shape == shape


@pytest.mark.parametrize("case", list(CASES))
def test_leaf_rows_match_plain_forward_hooks(case) -> None:
    factory, shape = CASES[case]
    model = factory()
    t = trace(model, shape)
    leaf_kinds = {type(m).__name__ for m in model.modules() if not list(m.children())}
    ours = [(r.name, r.output_shape) for r in t.rows if r.kind in leaf_kinds]
    assert ours == leaf_output_shapes(model, shape)


def test_functional_ops_are_rows() -> None:
    t = trace(Functional(), (1, 2, 16, 16))
    kinds = [r.kind for r in t.rows]
    assert kinds == [
        "Conv2d", "F.relu", "Conv2d", "F.max_pool2d", "Conv2d", "Tensor.add", "torch.cat",
        "F.avg_pool2d", "Tensor.view", "torch.flatten", "Linear",
    ]  # fmt: skip
    assert t["add"].input_shapes == ((1, 4, 8, 8), (1, 4, 8, 8))
    assert t["cat"].output_shape == (1, 8, 8, 8)
    assert t["flatten"].output_shape == (1, 128)


def test_model_is_left_as_it_was() -> None:
    model = ResNet50(True, num_classes=10).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trace(model, (1, 3, 64, 64))
    assert model.training
    assert all(m.training for m in model.modules())
    assert all(p.device.type == "cpu" for p in model.parameters())
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)  # BatchNorm stats too
    assert not model._forward_hooks
    assert not model._forward_pre_hooks


def test_several_inputs() -> None:
    class Two(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b = nn.Linear(3, 4), nn.Linear(5, 4)

        def forward(self, x, y):
            return self.a(x) * self.b(y)

    t = trace(Two(), [(2, 3), (2, 5)])
    assert [r.name for r in t.rows] == ["a", "b", "mul"]
    assert t.input_shapes == ((2, 3), (2, 5))
    assert t.output_shape == (2, 4)


def test_numpy_rows_match_the_numpy_forward() -> None:
    model = Sequential(
        Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), ConvTranspose2d(4, 2, 2, stride=2),
        Upsample(2), Sigmoid(), Flatten(), Linear(2 * 16 * 16, 3),
    )  # fmt: skip
    shape = (2, 1, 8, 8)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    t = trace(model, shape)
    for row, layer in zip(t.rows, model.layers, strict=True):
        assert row.input_shape == x.shape
        x = layer(x)
        assert row.output_shape == x.shape
    assert t.total_params == sum(p.numel() for p in model.parameters())


def test_movie_shapes() -> None:
    t = trace(movie_convnet(), (162_000, 1, 1024, 1280))  # (T, C, H, W): 1024 high, 1280 wide
    assert t.rows[0].output_shape == (162_000, 16, 204, 256)
    assert t.rows[-2].output_shape == (162_000, 32 * 51 * 64)
    assert t.output_shape == (162_000, 10)
    assert math.prod(t.input_shapes[0]) * t.itemsize == 849_346_560_000  # input, float32


def test_a_module_reused_under_two_names_and_an_lstm_are_left_as_they_were() -> None:
    """``functional_call`` used to leave these on the meta device after the trace."""
    linear = nn.Linear(4, 4)
    reused = nn.Sequential(linear, nn.ReLU(), linear)
    lstm = nn.LSTM(3, 5)
    x = torch.randn(2, 4)
    expected = reused(x)
    trace(reused, (2, 4))
    trace(lstm, (7, 2, 3))
    assert all(p.device.type == "cpu" for m in (reused, lstm) for p in m.parameters())
    assert all(w is not None and w.device.type == "cpu" for w in lstm._flat_weights)
    assert torch.equal(reused(x), expected)
    assert lstm(torch.randn(7, 2, 3))[0].shape == (7, 2, 5)
