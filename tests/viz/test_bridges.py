"""Chapter 7's figures (layerguide.viz.bridges), once for each language.

Each figure draws its labels in the language asked for (Korean figures carry Hangul and no
English words outside API names; English ones no Hangul) and shows the numbers it is given.
"""

from __future__ import annotations

import re

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from layerguide.errors import ArgumentError, LanguageError
from layerguide.layers import Conv2d
from layerguide.lesson.bridges import channel_patch, channel_sums, equivariance, parameter_bill
from layerguide.viz import use_korean_font
from layerguide.viz.bridges import (
    BILL_ORDER,
    count_label,
    show_bill_by_idea,
    show_channels_by_hand,
    show_equivariance,
)

LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ALLOWED = {"Linear", "Conv2d", "e"}  # API names; "e" of 1.0e-07


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib.pyplot as plt

    with mpl.rc_context():
        mpl.use("Agg")
        use_korean_font()  # the figures are drawn, so Hangul needs its font
        yield
        plt.close("all")


def labels(fig: Figure) -> str:
    """Every text of the figure once drawn (tick labels included), mathtext numbers left out."""
    fig.canvas.draw()
    found = (t.get_text() for t in fig.findobj(Text) if t.get_visible())
    return "\n".join(t for t in found if t and not t.startswith("$"))


def check_language(text: str, lang: str) -> None:
    if lang == "en":
        assert not HANGUL.search(text), text
    else:
        assert HANGUL.search(text), text
        words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)) - ALLOWED
        assert not words, f"English on a Korean figure: {sorted(words)}"


def channels_figure(lang: str) -> Figure:
    conv = Conv2d(3, 2, 5, rng=0, dtype=np.float64)
    x = np.random.default_rng(0).random((1, 3, 9, 9))
    sums = channel_sums(conv, x, 1, 2, 3)
    layer = float(conv(x)[0, 1, 2, 3])
    assert conv.bias is not None
    bias = float(conv.bias.data[1])
    patch = channel_patch(conv, x, 2, 3)
    return show_channels_by_hand(patch, conv.weight.data[1], sums, bias, layer, lang=lang)


@pytest.mark.parametrize("lang", LANGS)
def test_channels_by_hand_shows_each_sum_and_the_total(lang: str) -> None:
    fig = channels_figure(lang)
    text = labels(fig)
    check_language(text, lang)
    assert len(fig.axes) == 6  # patch and kernel slice for each of 3 channels
    assert fig.get_suptitle().count("=") == 1
    total, layer = re.findall(r"[-+]?\d+\.\d{4}", fig.get_suptitle())
    assert total == layer  # by hand = the layer's value, as the figure says
    assert sum(len(ax.texts) for ax in fig.axes) == 6 * 25  # every value written in its cell


@pytest.mark.parametrize("lang", LANGS)
def test_channels_by_hand_names_any_number_of_channels(lang: str) -> None:
    patches = np.zeros((2, 3, 3))
    fig = show_channels_by_hand(patches, patches, [0.0, 0.0], 0.0, 0.0, lang=lang)
    assert len(fig.axes) == 4
    check_language(labels(fig), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_equivariance_figure(lang: str) -> None:
    conv = Conv2d(3, 2, 3, rng=0)
    image = np.random.default_rng(0).random((1, 3, 20, 20), dtype=np.float32)
    shift = equivariance(conv, image, 2, 3, 16)
    fig = show_equivariance(
        [x[0] for x in shift.inputs], [o[0, 0] for o in shift.outputs], (2, 3), shift.difference,
        lang=lang,
    )  # fmt: skip
    text = labels(fig)
    check_language(text, lang)
    assert len(fig.axes) == 4
    assert f"{shift.difference:.1e}" in fig.get_suptitle()
    assert "(2, 3)" in fig.get_suptitle()


@pytest.mark.parametrize("lang", LANGS)
def test_bill_by_idea_draws_every_count(lang: str) -> None:
    bill = parameter_bill()
    totals = {k: v.total for k, v in bill.items()}
    fig = show_bill_by_idea(totals, (16, 216, 384), 75, lang=lang)
    text = labels(fig)
    check_language(text, lang)
    bars = [p for ax in fig.axes[:2] for p in ax.patches if isinstance(p, Rectangle)]
    assert [round(b.get_width()) for b in bars] == [totals[k] for k in BILL_ORDER]
    for k in BILL_ORDER:
        assert count_label(totals[k]) in text
    assert "16 × 216 × 384" in text
    assert "75" in text
    assert all(ax.get_xscale() == "log" for ax in fig.axes[:2])


def test_bill_by_idea_needs_every_bar() -> None:
    with pytest.raises(
        ArgumentError, match=r"show_bill_by_idea: totals has no count for \['gap_linear'\]"
    ):
        show_bill_by_idea(dict.fromkeys(BILL_ORDER[:-1], 1), (1, 1, 1), 1)


def test_channels_by_hand_refuses_mismatched_shapes() -> None:
    with pytest.raises(ArgumentError, match="show_channels_by_hand: patches"):
        show_channels_by_hand(np.zeros((3, 5, 5)), np.zeros((3, 3, 3)), [0, 0, 0], 0.0, 0.0)


@pytest.mark.parametrize("helper", [show_channels_by_hand, show_equivariance, show_bill_by_idea])
def test_an_unknown_language_is_refused_first(helper) -> None:
    import inspect

    required = {
        p.name: None
        for p in inspect.signature(helper).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    }
    with pytest.raises(LanguageError, match=f"^{helper.__name__}: lang must be one of"):
        helper(**required, lang="fr")


@pytest.mark.parametrize(
    ("n", "label"),
    [(0, "0"), (1216, "1,216"), (999_999_999, "999,999,999"), (10**9, "1.00 × 10⁹"),
     (8_255_649_890_304, "8.26 × 10¹²")],
)  # fmt: skip
def test_count_label(n: int, label: str) -> None:
    assert count_label(n) == label
