"""Receptive field: published figures, and gradient support on small inputs.

The gradient of one output element with respect to the input is nonzero exactly on the
pixels that element sees (with positive weights, so nothing cancels). The largest
bounding box over all output positions is the receptive field; the shift between the
boxes of neighbouring outputs is the effective stride.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from tests.tracer.helpers import positive_weights, support_boxes
from tests.tracer.models import Bottleneck, Functional, ResNet50, alexnet, vgg16
from torch import nn

from layerguide import trace
from layerguide.layers import Conv2d, ConvTranspose2d, MaxPool2d, ReLU, Sequential, Upsample


def meta(factory, *args):
    with torch.device("meta"):
        return factory(*args)


@pytest.mark.parametrize(
    ("factory", "rf", "name"),
    [
        (alexnet, 195, "0.12"),  # pool5
        (vgg16, 212, "0.30"),  # pool5
        # the block's ReLU is called three times; its last call is the block's output
        (lambda: ResNet50(stride_in_1x1=True), 483, "layer4.2.relu"),
    ],
    ids=["alexnet", "vgg16", "resnet50-v1"],
)
def test_published_receptive_fields(factory, rf, name) -> None:
    row = [r for r in trace(meta(factory), (1, 3, 224, 224)).rows if r.name == name][-1]
    assert (row.receptive_field, row.effective_stride) == ((rf, rf), (32, 32))


def test_resnet50_global_pool_sees_the_whole_input() -> None:
    t = trace(meta(ResNet50), (1, 3, 224, 224))
    assert t["avgpool"].receptive_field == (224, 224)  # 675 on the grid, clipped to the input
    assert t["fc"].receptive_field == (224, 224)
    assert t["fc"].effective_stride is None


class Skip(nn.Module):
    """Two branches with different receptive fields, merged by ``+`` and by ``cat``."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 2, 3, stride=2)
        self.long = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 5, padding=2))
        self.short = nn.Conv2d(2, 2, 1)

    def forward(self, x):
        x = F.relu(self.stem(x))
        y = self.long(x) + self.short(x)
        z = torch.cat([self.short(x), y], dim=1)
        return F.avg_pool2d(z, 2)


class Decoder(nn.Module):
    def __init__(self, up: nn.Module) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, padding=1)
        self.up = up
        self.out = nn.Conv2d(1, 1, 3)

    def forward(self, x):
        return self.out(self.up(self.conv(x)))


class Offset(nn.Module):
    """Two branches whose windows are offset, not nested: the main path's window ends
    where the shortcut's begins, so the merge sees more than either (issue 21, item 1).

    After the stem (3 × 3, stride 2) an element sees input pixels 2i … 2i + 2. The main
    path (3 × 3, padding 1, first rows kept) sees 2i − 2 … 2i + 4; the shortcut (shifted
    by two) sees 2i + 4 … 2i + 6. Together 2i − 2 … 2i + 6: 9 pixels, not the larger 7.
    """

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, 1, 3, stride=2)
        self.main = nn.Conv2d(1, 1, 3, padding=1)
        self.head = nn.Conv2d(1, 1, 3)

    def forward(self, x):
        x = self.stem(x)
        y = self.main(x)[:, :, :-2, :-2] + x[:, :, 2:, 2:]
        return self.head(y)


GRADIENT_MODELS = {
    "conv-stride-avgpool-dilation": lambda: nn.Sequential(
        nn.Conv2d(1, 2, 3),
        nn.Conv2d(2, 2, 3, stride=2),
        nn.AvgPool2d(2),
        nn.Conv2d(2, 1, 3, dilation=2),
    ),
    "skip-add-cat": Skip,
    "upsample-nearest": lambda: Decoder(nn.Upsample(scale_factor=2)),
    "transposed-conv": lambda: Decoder(nn.ConvTranspose2d(1, 1, 3, stride=2)),
    "adaptive-pool": lambda: nn.Sequential(nn.Conv2d(1, 1, 3), nn.AdaptiveAvgPool2d(5)),
    "bottleneck": lambda: Bottleneck(4, 2, stride=2, stride_in_1x1=True),
    "offset-branches": Offset,
}


@pytest.mark.parametrize("name", list(GRADIENT_MODELS))
def test_receptive_field_equals_gradient_support(name) -> None:
    model = positive_weights(GRADIENT_MODELS[name]())
    channels = next(model.parameters()).shape[1]
    shape = (1, channels, 64, 64)
    row = trace(model, shape).rows[-1]
    boxes = support_boxes(model, shape)
    tallest = max(b[2] for b in boxes.values())
    widest = max(b[3] for b in boxes.values())
    assert row.receptive_field == (tallest, widest)
    stride = row.effective_stride
    if stride is not None and all(isinstance(s, int) for s in stride):
        # boxes of interior neighbours are one effective stride apart
        i, j = sorted(boxes)[len(boxes) // 2]
        assert boxes[(i + 1, j)][0] - boxes[(i, j)][0] == stride[0]
        assert boxes[(i, j + 1)][1] - boxes[(i, j)][1] == stride[1]


def test_a_merge_of_offset_windows_is_their_union() -> None:
    t = trace(Offset(), (1, 1, 64, 64))
    assert t["add"].receptive_field == (9, 9)  # the larger branch alone: 7
    assert t["head"].receptive_field == (9 + 2 * 2, 9 + 2 * 2)
    boxes = support_boxes(positive_weights(Offset()), (1, 1, 64, 64))
    assert {b[2:] for b in boxes.values()} == {(13, 13)}


def test_max_pool_support_lies_within_the_field() -> None:
    model = positive_weights(Functional())
    head = nn.Sequential()  # compare up to the merge before flatten
    del head

    class UpToCat(nn.Module):
        def __init__(self, f: Functional) -> None:
            super().__init__()
            self.f = f

        def forward(self, x):
            f = self.f
            x = F.relu(f.a(x))
            y = f.b(x)
            z = F.max_pool2d(x, 2) + f.c(y)
            return F.avg_pool2d(torch.cat([z, y], dim=1), 2)

    part = UpToCat(model)
    row = trace(part, (1, 2, 24, 24)).rows[-1]
    boxes = support_boxes(part, (1, 2, 24, 24))
    assert max(b[2] for b in boxes.values()) <= row.receptive_field[0] == 15
    assert max(b[3] for b in boxes.values()) <= row.receptive_field[1] == 15


def test_fractional_strides_after_upsampling() -> None:
    t = trace(Decoder(nn.Upsample(scale_factor=2)), (1, 1, 8, 8))
    assert t["up"].effective_stride == (Fraction(1, 2), Fraction(1, 2))
    assert t["out"].receptive_field == (4, 4)  # 3 + 2·½ = 4 input pixels
    assert "1/2×1/2" in str(t)


def test_numpy_layers_agree_with_torch() -> None:
    ours = Sequential(
        Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(4, 4, 3, dilation=2),
        ConvTranspose2d(4, 2, 3, stride=2), Upsample(2),
    )  # fmt: skip
    theirs = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 4, 3, dilation=2),
        nn.ConvTranspose2d(4, 2, 3, stride=2), nn.Upsample(scale_factor=2),
    )  # fmt: skip
    a, b = trace(ours, (2, 1, 20, 20)), trace(theirs, (2, 1, 20, 20))
    keys = [
        "output_shape",
        "params",
        "param_formula",
        "macs",
        "receptive_field",
        "effective_stride",
    ]
    for ra, rb in zip(a.rows, b.rows, strict=True):
        assert [getattr(ra, k) for k in keys] == [getattr(rb, k) for k in keys]


def test_no_receptive_field_without_an_image_input() -> None:
    t = trace(nn.Sequential(nn.Linear(6, 3), nn.ReLU()), (2, 6))
    assert all(r.receptive_field is None and r.effective_stride is None for r in t.rows)
