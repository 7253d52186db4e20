"""The figures and tables of chapters 5 and 6, drawn once in each language.

Every text a figure shows must be in the reader's language: no Hangul on the English
figures, and no English words on the Korean ones apart from API names and abbreviations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from layerguide import LayerguideError, viz
from layerguide.autoencoder import TrainConfig
from layerguide.lesson.transposed import as_convolution, transposed_layer
from layerguide.viz import Table

mpl.use("Agg")
import matplotlib.pyplot as plt

LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MATHTEXT = re.compile(r"\$[^$]*\$")
LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]+")
#: Latin words a Korean figure or table may show: API names and abbreviations
ALLOWED = {"BCE", "MSE", "ConvTranspose2d", "output_padding"}

RNG = np.random.default_rng(0)
DIGITS = RNG.random((8, 1, 28, 28))
INFOS = {
    name: {"params": 1000 + i, "test_bce": 0.08 + i / 100, "test_mse": 0.006, "seconds": 4.2}
    for i, name in enumerate(("nearest", "bed_of_nails", "max_unpool", "transpose", "fc"))
}
FAMILIES = {
    "nearest": "upsampling",
    "bed_of_nails": "upsampling",
    "max_unpool": "upsampling",
    "transpose": "transposed convolution",
    "fc": "fully connected",
}

FIGURES: dict[str, Callable[[str], Figure]] = {
    "reconstructions": lambda lang: viz.show_reconstructions(
        {"input": DIGITS, "output": DIGITS, **dict.fromkeys(INFOS, DIGITS)}, lang=lang
    ),
    "code": lambda lang: viz.show_code(RNG.standard_normal((8, 4, 4)), lang=lang),
    "curve": lambda lang: viz.show_training_curve(
        np.linspace(0.8, 0.08, 320), test_bce=0.08, floor=0.058, batch_size=24, lang=lang
    ),
    "upsampling": lambda lang: viz.show_upsampling(
        {"input": np.ones((1, 1, 2, 2)), "nearest": np.ones((4, 4)), "max_unpool": np.eye(4)},
        lang=lang,
    ),
    "overlaps": lambda lang: viz.show_overlaps({3: np.ones((8, 8)), 4: np.ones((8, 8))}, lang=lang),
    "matrix": lambda lang: viz.show_conv_matrix(np.arange(64.0).reshape(4, 16), lang=lang),
    "as_convolution": lambda lang: viz.show_as_convolution(
        as_convolution(transposed_layer(np.ones((3, 3)), 2, 1, 1), np.ones((1, 1, 2, 2))),
        lang=lang,
    ),
    "checkerboard": lambda lang: viz.show_checkerboard(
        {k: RNG.random((8, 8)) for k in ("input", "k3", "k4", "resize")},
        {"k3": 4.0, "k4": 1.0, "resize": 1.0},
        lang=lang,
    ),
}

TABLES: dict[str, Callable[[str], Table]] = {
    "decoders": lambda lang: viz.decoder_table(
        INFOS, FAMILIES, TrainConfig(steps=320, batch_size=24), n_test=10_000, lang=lang
    ),
    "sizes": lambda lang: viz.size_table([(4, 3, 2, 1, 0, 1, 7, 7)], lang=lang),
    "fits": lambda lang: viz.fits_table([(3, 1, 0, 7)], lang=lang),
}


def figure_texts(fig: Figure) -> list[str]:
    fig.canvas.draw()  # also raises on a missing glyph (warnings are errors)
    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


def check_language(texts: list[str], lang: str) -> None:
    joined = MATHTEXT.sub("", "\n".join(texts))  # tick labels such as $\\mathdefault{10^{-1}}$
    if lang == "en":
        assert not HANGUL.search(joined), joined
    else:
        assert HANGUL.search(joined), joined
        english = set(LATIN_WORD.findall(joined)) - ALLOWED
        assert english == set(), f"English words on a Korean figure: {sorted(english)}"


@pytest.fixture(autouse=True)
def korean_font() -> Any:
    with mpl.rc_context():
        viz.use_korean_font()
        yield
        plt.close("all")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_speaks_the_readers_language(name: str, lang: str) -> None:
    fig = FIGURES[name](lang)
    assert isinstance(fig, Figure)
    check_language(figure_texts(fig), lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_speaks_the_readers_language(name: str, lang: str) -> None:
    table = TABLES[name](lang)
    check_language([table.caption, *table.header, *(str(c) for r in table.rows for c in r)], lang)
    html = table.to_html()
    assert html.count("</th>") == len(table.header)
    assert 'class="lg-num"' in html  # numbers are right-aligned


def test_reconstruction_rows_are_labelled_by_decoder_in_korean() -> None:
    fig = FIGURES["reconstructions"]("ko")
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels == [
        "입력",
        "출력",
        "최근접 이웃",
        "베드 오브 네일즈",
        "최대 언풀링",
        "전치 합성곱",
        "완전 연결",
    ]


def test_decoder_table_marks_max_unpool_and_keeps_the_numbers() -> None:
    for lang, params, marker in (
        ("en", "parameters", "pooling indices"),
        ("ko", "파라미터 개수", "풀링 인덱스"),
    ):
        table = TABLES["decoders"](lang)
        assert table.column(params) == [info["params"] for info in INFOS.values()]
        assert sum(marker in str(r[0]) for r in table.rows) == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda: viz.show_code(np.zeros((8, 4, 4)), lang="fr"),
        lambda: viz.decoder_name("fc", "de"),
        lambda: viz.decoder_name("unknown", "en"),
    ],
)
def test_bad_language_or_name_is_a_clear_error(call: Callable[[], object]) -> None:
    with pytest.raises(LayerguideError) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_as_convolution_figure_draws_the_views_numbers() -> None:
    from layerguide.lesson.transposed import as_convolution, transposed_layer
    from layerguide.viz.animate._player import drawn_grid, drawn_texts

    up = transposed_layer(np.arange(1.0, 10.0).reshape(3, 3), 2, 1, 1)
    view = as_convolution(up, np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    texts = drawn_texts(viz.show_as_convolution(view, lang="en"))
    for name, values in (
        ("input", view.input[0, 0]),
        ("padded", view.padded[0, 0]),
        ("kernel", view.kernel[0, 0]),
        ("output", view.output[0, 0]),
    ):
        np.testing.assert_array_equal(drawn_grid(texts, name, values.shape), values)
    with pytest.raises(LayerguideError, match="show_as_convolution"):
        viz.show_as_convolution("view", lang="en")  # type: ignore[arg-type]
