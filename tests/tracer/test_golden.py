"""Tables compared with golden files (regenerate: LAYERGUIDE_REGEN_GOLDEN=1, see conftest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
from tests.tracer.models import Bottleneck, Functional, ResNet50
from tests.tracer.test_inputs import Branchy
from tests.tracer.test_totals import CellBranch, DictOut, ReturnsWeight
from torch import nn

from layerguide import trace
from layerguide.layers import Conv2d, Flatten, Linear, ReLU, Sequential
from layerguide.lesson.convnet import MOVIE_SHAPE, movie_convnet
from layerguide.lesson.linear import richer_network, richer_network_torch

# name → (factory, input shape) or (factory, input shape, trace options)
MODELS: dict[
    str,
    tuple[Callable[[], Any], tuple[int, ...]]
    | tuple[Callable[[], Any], tuple[int, ...], dict[str, Any]],
] = {
    "lesson_conv": (
        lambda: nn.Sequential(
            nn.Conv2d(3, 16, 5, stride=5), nn.Flatten(), nn.Linear(16 * 216 * 384, 1)
        ),
        (1, 3, 1080, 1920),
    ),
    # The lesson's network (E13): (4, 2) → (4, 3) → (4, 1) → (1, 4) → (1, 1), 6 + 3 + 4 weights.
    "lesson_linear": (lambda: richer_network_torch(richer_network()), (4, 2)),
    "functional": (Functional, (1, 2, 16, 16)),
    "bottleneck": (lambda: Bottleneck(64, 16, 2, stride_in_1x1=True), (1, 64, 56, 56)),
    "movie": (movie_convnet, MOVIE_SHAPE),
    # Issue 24's reduced cases: a returned parameter, a branch not taken, a dict of outputs,
    # a value-dependent branch (one real pass), and ResNet-50 folded at depth 1.
    "returns_weight": (ReturnsWeight, (1, 8)),
    "branch_not_taken": (CellBranch, (2, 2)),
    "dict_output": (DictOut, (2, 6)),
    "real_pass": (Branchy, (2, 4)),
    "resnet50_depth1": (lambda: meta(ResNet50, False), (1, 3, 224, 224), {"depth": 1}),
    "numpy_lesson": (
        lambda: Sequential(Conv2d(3, 16, 5, stride=5), ReLU(), Flatten(), Linear(1_327_104, 1)),
        (1, 3, 1080, 1920),
    ),
}


def meta(factory, *args):
    with torch.device("meta"):
        return factory(*args)


FORMATS = {
    "txt": lambda t: t.to_text(),
    "md": lambda t: t.to_markdown(),
    "html": lambda t: t._repr_html_(),
}


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name", list(MODELS))
def test_tables(golden, name, lang) -> None:
    factory, shape, *options = MODELS[name]
    t = trace(factory(), shape, lang=lang, **(options[0] if options else {}))
    assert str(t) == t.to_text()
    for ext, render in FORMATS.items():
        golden(f"{name}.{lang}.{ext}", render(t))


def test_text_table_is_aligned_with_korean_headers() -> None:
    from layerguide.i18n import display_width as width

    lines = trace(Functional(), (1, 2, 16, 16), lang="ko").to_text().splitlines()
    table = lines[: lines.index(lines[0], 1) + 1]
    assert len({width(line.rstrip()) for line in table if line.startswith(("=", "-"))}) == 1
    header, body = table[1], table[3:-1]
    col = width(header[: header.index("출력 형태")])
    assert all(width(row[:col]) == col and row[col - 2 : col] == "  " for row in body)
