"""Parameter counts and formulas from the lesson, totals against torch, and MACs."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from tests.tracer.models import ResNet50, alexnet, lesson_linear_stack, vgg16
from torch import nn

from layerguide import trace
from layerguide.layers import Conv2d, Flatten, Linear, ReLU, Sequential

IMAGE = (1, 3, 1080, 1920)  # one Full-HD colour frame, (N, C, H, W)


def meta(factory, *args):
    """Build a big model on the meta device: no memory for its weights."""
    with torch.device("meta"):
        return factory(*args)


def test_linear_stack_13() -> None:
    # The lesson counts weights: 2→3, 3→1 and 4→1 without bias hold 6 + 3 + 4 = 13.
    layers = lesson_linear_stack()
    traces = [trace(layer, (4, layer.in_features)) for layer in layers]
    assert [t.rows[0].param_formula for t in traces] == ["2×3 = 6", "3×1 = 3", "4×1 = 4"]
    assert sum(t.total_params for t in traces) == 6 + 3 + 4 == 13
    # With biases, 2→3→1 also happens to hold 13: (6 + 3) + (3 + 1).
    t = trace(nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1)), (4, 2))
    assert [r.param_formula for r in t.rows] == ["2×3 + 3 = 9", "3×1 + 1 = 4"]
    assert t.total_params == 13


def test_conv_1200_weights_plus_16_biases() -> None:
    t = trace(nn.Conv2d(3, 16, 5), (1, 3, 32, 32))
    assert t.rows[0].param_formula == "3×16×5×5 + 16 = 1,216"
    assert t.total_params == 3 * 16 * 5 * 5 + 16 == 1_216
    assert trace(nn.Conv2d(3, 16, 5, bias=False), (1, 3, 32, 32)).total_params == 1_200


def test_linear_on_flattened_image_6220801() -> None:
    t = trace(nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1)), IMAGE)
    assert t.rows[1].input_shape == (1, 6_220_800)
    assert t.rows[1].param_formula == "6,220,800×1 + 1 = 6,220,801"
    assert t.total_params == 6_220_801


def lesson_conv():
    return nn.Sequential(nn.Conv2d(3, 16, 5, stride=5), nn.Flatten(), nn.Linear(16 * 216 * 384, 1))


def test_conv_then_linear_1328321() -> None:
    t = trace(lesson_conv(), IMAGE)
    assert t.rows[0].output_shape == (1, 16, 216, 384)
    assert t.rows[1].output_shape == (1, 1_327_104)
    assert t.rows[2].param_formula == "1,327,104×1 + 1 = 1,327,105"
    assert t.total_params == 1_328_321
    dense = trace(nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1)), IMAGE)
    assert pytest.approx(4.683, abs=1e-3) == dense.total_params / t.total_params


def test_numpy_layers_give_the_same_counts() -> None:
    model = Sequential(Conv2d(3, 16, 5, stride=5), ReLU(), Flatten(), Linear(16 * 216 * 384, 1))
    t = trace(model, IMAGE)
    assert t.total_params == 1_328_321
    assert t.rows[0].param_formula == "3×16×5×5 + 16 = 1,216"
    ours = [(r.output_shape, r.params, r.macs, r.receptive_field) for r in t.rows]
    torch_model = nn.Sequential(
        nn.Conv2d(3, 16, 5, stride=5), nn.ReLU(), nn.Flatten(), nn.Linear(16 * 216 * 384, 1)
    )
    theirs = [
        (r.output_shape, r.params, r.macs, r.receptive_field)
        for r in trace(torch_model, IMAGE).rows
    ]
    assert ours == theirs
    assert trace(Sequential(Linear(2, 3), ReLU(), Linear(3, 1)), (4, 2)).total_params == 13


@pytest.mark.parametrize(
    "factory",
    [alexnet, vgg16, lambda: ResNet50(True), lambda: ResNet50(False)],
    ids=["alexnet", "vgg16", "resnet50-v1", "resnet50-v1.5"],
)
def test_total_params_equal_unique_numel(factory) -> None:
    model = meta(factory)
    unique = {id(p): p.numel() for p in model.parameters()}
    assert trace(model, (1, 3, 224, 224)).total_params == sum(unique.values())


class Tied(nn.Module):
    """One Linear called twice, and a decoder tied to the encoder's weight."""

    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Linear(8, 4)
        self.mid = nn.Linear(4, 4)
        self.out = nn.Linear(4, 4)
        self.out.weight = self.mid.weight  # tied: one Parameter in two modules

    def forward(self, x):
        h = self.out(self.mid(self.mid(self.enc(x))))
        return F.linear(h, self.enc.weight.t())  # decoder reuses the encoder's weight


def test_shared_parameters_counted_once_at_first_use() -> None:
    model = Tied()
    t = trace(model, (2, 8))
    assert [r.name for r in t.rows] == ["enc", "mid", "mid", "out", "linear"]
    assert [r.params for r in t.rows] == [36, 20, 0, 4, 0]
    assert t.rows[2].param_formula == "shared with mid"
    assert t.rows[3].param_formula == "4 (shared with mid)"
    assert t.rows[4].param_formula == "shared with enc"
    assert t.rows[4].kind == "F.linear"
    assert t.total_params == sum(p.numel() for p in model.parameters()) == 60
    assert [r.macs for r in t.rows] == [64, 32, 32, 32, 64]


def test_macs_of_the_classics() -> None:
    vgg = trace(meta(vgg16), (1, 3, 224, 224))
    assert vgg.total_macs == 15_470_264_320
    assert vgg.total_flops == 2 * vgg.total_macs
    assert vgg.rows[0].macs == 224 * 224 * 64 * 3 * 3 * 3
    assert trace(meta(ResNet50, False), (1, 3, 224, 224)).total_macs == 4_089_184_256
    assert trace(meta(ResNet50, True), (1, 3, 224, 224)).total_macs == 3_857_973_248
    assert trace(meta(alexnet), (1, 3, 224, 224)).total_macs == 714_188_480


def test_transposed_conv_macs_and_formula() -> None:
    t = trace(nn.ConvTranspose2d(8, 4, 3, stride=2), (2, 8, 5, 5))
    row = t.rows[0]
    assert row.output_shape == (2, 4, 11, 11)
    assert row.param_formula == "8×4×3×3 + 4 = 292"
    assert row.macs == 2 * 8 * 5 * 5 * 4 * 3 * 3  # every input element feeds C_out·k·k outputs
    assert row.flops == 2 * row.macs
