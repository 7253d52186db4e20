"""``depth=``: modules below a nesting level fold into one row, their counts summed."""

from __future__ import annotations

import pytest
import torch
from tests.tracer.models import ResNet50, alexnet
from torch import nn

from layerguide import trace

IMAGE = (1, 3, 224, 224)


def meta(factory, *args):
    with torch.device("meta"):
        return factory(*args)


def test_depth_one_sums_each_stage() -> None:
    model = meta(ResNet50, False)
    full, folded = trace(model, IMAGE), trace(model, IMAGE, depth=1)
    assert [r.name for r in folded.rows] == [
        "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
        "avgpool", "flatten", "fc",
    ]  # fmt: skip
    layer2 = folded["layer2"]
    inside = [r for r in full.rows if r.name.startswith("layer2.")]
    assert layer2.kind == "Sequential"
    assert layer2.params == sum(r.params for r in inside) == 1_219_584
    assert layer2.macs == sum(r.macs for r in inside)
    assert layer2.output_shape == inside[-1].output_shape == (1, 512, 28, 28)
    assert layer2.receptive_field == inside[-1].receptive_field
    assert layer2.param_formula.endswith("+ … = 1,219,584")
    assert (folded.total_params, folded.total_macs) == (full.total_params, full.total_macs)


def test_depth_two_and_deeper_than_the_model() -> None:
    model = meta(ResNet50, False)
    two = trace(model, IMAGE, depth=2)
    assert "layer1.0" in [r.name for r in two.rows]
    assert two["layer1.0"].kind == "Bottleneck"
    assert len(trace(model, IMAGE, depth=9).rows) == len(trace(model, IMAGE).rows)


def test_depth_zero_is_one_row() -> None:
    model = meta(alexnet)
    t = trace(model, IMAGE, depth=0)
    assert [(r.name, r.output_shape) for r in t.rows] == [("Sequential", (1, 1000))]
    assert t.rows[0].params == t.total_params == 61_100_840
    assert t.rows[0].macs == trace(model, IMAGE).total_macs


def test_a_short_folded_formula_is_written_out() -> None:
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)))
    t = trace(model, (4, 2), depth=1)
    assert [(r.name, r.params, r.param_formula) for r in t.rows] == [
        ("0", 13, "2×3 + 3 + 3×1 + 1 = 13")
    ]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Modules below level 1 are folded into the row of their level-1 module."),
        ("ko", "깊이가 1보다 깊은 모듈은 그 모듈을 담고 있는 깊이 1 모듈의 행 하나로 합쳤습니다."),
    ],
)
def test_the_table_says_what_is_folded(lang, line) -> None:
    t = trace(meta(alexnet), IMAGE, depth=1, lang=lang)
    for text in (t.to_text(), t.to_markdown(), t.to_html()):
        assert line in text
    assert "level" not in str(trace(meta(alexnet), IMAGE))
