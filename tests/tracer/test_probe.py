"""probe_field measures what the tracer computes: the receptive field of the centre output."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from layerguide import LayerguideError, trace
from layerguide.errors import ArgumentError
from layerguide.lesson.convnet import field_stack
from layerguide.tracer.probe import probe_field

MODELS = {
    "conv-relu-maxpool (chapter 4's stack)": field_stack,
    "stride-avgpool-dilation": lambda: nn.Sequential(
        nn.Conv2d(1, 2, 3),
        nn.Conv2d(2, 2, 3, stride=2),
        nn.AvgPool2d(2),
        nn.Conv2d(2, 1, 3, dilation=2),
    ),
    "rectangular-kernel-gelu": lambda: nn.Sequential(
        nn.Conv2d(2, 4, (5, 3)), nn.GELU(), nn.MaxPool2d(3, stride=2), nn.Conv2d(4, 1, 3)
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_probe_agrees_with_the_tracer(name: str) -> None:
    model = MODELS[name]()
    size = (1, next(model.parameters()).shape[1], 48, 48)
    assert probe_field(model, size) == trace(model, size).rows[-1].receptive_field


def test_probe_leaves_the_model_alone() -> None:
    model = MODELS["stride-avgpool-dilation"]()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    probe_field(model, (1, 1, 32, 32))
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize(
    ("model", "size", "message"),
    [
        (nn.Conv2d(1, 1, 3), (1, 1, 80, 80), r"80 × 80 = 6,400 pixels .* at most 4,096"),
        (
            nn.Conv2d(1, 1, 3),
            (2, 1, 8, 8),
            r"input_size must be \(1, C, H, W\), got \(2, 1, 8, 8\)",
        ),
        (nn.Sequential(nn.Conv2d(1, 1, 3), nn.Sigmoid()), (1, 1, 8, 8), "not zero on a zero input"),
        (nn.Sequential(nn.Conv2d(1, 1, 3), nn.Flatten()), (1, 1, 8, 8), r"must be \(N, C, H, W\)"),
        (object(), (1, 1, 8, 8), "must be a torch.nn.Module, got object"),
    ],
)
def test_what_cannot_be_probed_is_refused(model, size, message: str) -> None:
    with pytest.raises(ArgumentError, match=message) as info:
        probe_field(model, size)
    assert isinstance(info.value, LayerguideError)
