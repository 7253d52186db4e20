"""Chapter 8's figure and table helpers, once for each language."""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib as mpl
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from layerguide import LayerguideError, trace
from layerguide.layers import MaxPool2d
from layerguide.lesson.pooling import (
    HEADS,
    POOL_INPUT,
    UPSTREAM,
    alternatives,
    average_pool_backward,
    pooled_head,
)
from layerguide.viz import (
    Table,
    alternatives_table,
    show_layer_bill,
    show_pool_gradients,
    show_pooling_savings,
)

LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Latin words allowed on a Korean figure: layer names, row names, units.
ALLOWED = {
    "Conv2d",
    "MaxPool2d",
    "Linear",
    "ReLU",
    "MACs",
    "VGG",
    "MB",
    "float32",
    "features",
    "classifier",
}


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib.pyplot as plt

    with mpl.rc_context():
        mpl.use("Agg")
        yield
        plt.close("all")


def labels(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def check_language(text: str, lang: str) -> None:
    if lang == "en":
        assert not HANGUL.search(text), text
    else:
        assert HANGUL.search(text), text
        words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)) - ALLOWED
        assert not words, f"English on a Korean figure: {sorted(words)}"


def vgg_like_rows() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(name="features.0", kind="Conv2d", params=1_792, output_bytes=12_845_056),
        SimpleNamespace(name="features.4", kind="MaxPool2d", params=0, output_bytes=3_211_264),
        SimpleNamespace(
            name="classifier.0", kind="Linear", params=102_764_544, output_bytes=16_384
        ),
    ]


def figures(lang: str) -> dict[str, Figure | Table]:
    pool = MaxPool2d(2)
    pool(POOL_INPUT)
    max_grad = pool.backward(UPSTREAM)
    with torch.device("meta"):
        ways = {k: trace(m, (1, 8, 16, 16), lang=lang) for k, m in alternatives(8).items()}
        heads = {h: trace(pooled_head(8, 16, h), (1, 8, 16, 16), lang=lang) for h in HEADS}
    return {
        "gradients": show_pool_gradients(
            POOL_INPUT, UPSTREAM, max_grad, average_pool_backward(UPSTREAM, 2), lang=lang
        ),
        "alternatives": alternatives_table(ways, lang=lang),
        "savings": show_pooling_savings(heads, lang=lang),
        "bill": show_layer_bill(vgg_like_rows(), lang=lang),
    }


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_is_in_the_readers_language(lang: str) -> None:
    for name, made in figures(lang).items():
        if isinstance(made, Table):
            text = "\n".join([*made.header, *(str(r[0]) for r in made.rows)])
        else:
            assert isinstance(made, Figure), name
            text = labels(made)
        check_language(text, lang)


def test_the_two_languages_say_the_same_numbers() -> None:
    en, ko = figures("en"), figures("ko")
    for name, fig in en.items():
        other = ko[name]
        if isinstance(fig, Table):
            assert isinstance(other, Table)
            assert [r[1:] for r in fig.rows] == [r[1:] for r in other.rows]
        else:
            assert isinstance(other, Figure)
            digits = [re.findall(r"\d+(?:\.\d+)?", labels(f)) for f in (fig, other)]
            assert sorted(digits[0]) == sorted(digits[1]), name


def test_the_winners_are_outlined_in_the_input_and_its_gradient() -> None:
    pool = MaxPool2d(2)
    pool(POOL_INPUT)
    max_grad = pool.backward(UPSTREAM)
    fig = show_pool_gradients(POOL_INPUT, UPSTREAM, max_grad, max_grad, lang="en")
    expected = sorted(zip(*np.nonzero(max_grad[0, 0])[::-1], strict=True))  # (col, row)
    for ax in (fig.axes[0], fig.axes[2]):
        boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
        got = sorted((round(p.get_x() + 0.45), round(p.get_y() + 0.45)) for p in boxes)
        assert got == [(int(c), int(r)) for c, r in expected]
    assert len(fig.axes[1].patches) == 0


def test_the_layer_bill_draws_one_bar_per_row_and_value() -> None:
    rows = vgg_like_rows()
    fig = show_layer_bill(rows, lang="en")
    params, memory = (
        [p.get_width() for p in ax.patches if isinstance(p, Rectangle)] for ax in fig.axes[:2]
    )
    assert params == pytest.approx([r.params / 1e6 for r in rows])
    assert memory == pytest.approx([r.output_bytes / 1e6 for r in rows])


@pytest.mark.parametrize(
    "call",
    [
        lambda: show_pool_gradients(
            np.zeros((1, 1, 4, 4)), np.zeros((2, 2)), np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4, 4))
        ),
        lambda: show_layer_bill([]),
    ],
)
def test_bad_arguments_name_the_function(call) -> None:
    with pytest.raises(LayerguideError, match=r"show_\w+: "):
        call()
