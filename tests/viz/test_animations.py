"""Every frame of every animation, in both languages: what is drawn is what the layers output.

Each test builds its own layers from the animation's inputs, steps through every frame
with ``Player.step`` and reads the numbers back from the figure's text artists.
"""

from __future__ import annotations

import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest

from layerguide import LayerguideError
from layerguide.layers import Conv2d, ConvTranspose2d, Linear, MaxPool2d, MaxUnpool2d, Upsample
from layerguide.viz import (
    animate_convolution,
    animate_linear_map,
    animate_max_pooling,
    animate_transposed_convolution,
    animate_upsampling,
    use_korean_font,
)
from layerguide.viz.animate import Player, drawn_grid, drawn_texts
from layerguide.viz.animate._player import localise_player
from layerguide.viz.animate.conv import CONV_INPUT, CONV_KERNEL, CONV_SETTINGS
from layerguide.viz.animate.conv_transpose import TRANSPOSE_INPUT
from layerguide.viz.animate.linear import BIAS, QUADRILATERAL, STEPS, WEIGHT
from layerguide.viz.animate.pool import POOL_INPUT

LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(autouse=True)
def _fonts():
    with mpl.rc_context():
        mpl.use("Agg")
        use_korean_font()
        yield
    plt.close("all")


def _labels(anim: Player) -> list[str]:
    """Every text of the current frame that has letters (titles and captions)."""
    fig = anim.fig
    texts = [t.get_text() for t in fig.findobj(mpl.text.Text)]
    return [t for t in texts if re.search(r"[A-Za-z\uac00-\ud7a3]", t)]


def _check_language(anim: Player, lang: str, english_word: str) -> None:
    joined = " ".join(_labels(anim))
    if lang == "ko":
        assert HANGUL.search(joined), joined
        assert english_word not in joined, joined
    else:
        assert not HANGUL.search(joined), joined
        assert english_word in joined, joined


def _conv_layer(k: int, s: int, p: int, d: int) -> Conv2d:
    layer = Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False, dtype=np.float64)
    layer.weight.data[0, 0] = CONV_KERNEL
    return layer


@pytest.mark.parametrize("lang", LANGS)
def test_convolution_frames_match_conv2d(lang: str) -> None:
    anim = animate_convolution(lang=lang)
    outputs = {s: _conv_layer(*s)(CONV_INPUT[None, None])[0, 0] for s in CONV_SETTINGS}
    expected_frames = sum(out.size for out in outputs.values())
    assert len(anim.records) == expected_frames
    seen = {s: np.zeros(out.shape, bool) for s, out in outputs.items()}
    for i in range(len(anim.records)):
        rec = anim.step(i)
        texts = drawn_texts(anim.fig)
        setting = rec["setting"]
        out = outputs[setting]
        row, col = rec["cell"]
        seen[setting][row, col] = True
        # The output panel shows the layer's values for the cells done so far, no others.
        drawn = drawn_grid(texts, "out", out.shape)
        np.testing.assert_array_equal(drawn[seen[setting]], out[seen[setting]])
        assert np.isnan(drawn[~seen[setting]]).all()
        # The products and their written-out sum add up to the layer's output value.
        products = drawn_grid(texts, "prod", (3, 3))
        terms, total = texts["sum"].split(": ", 1)[1].split(" = ")
        assert [float(t) for t in terms.split(" + ")] == products.ravel().tolist()
        assert float(total) == out[row, col] == products.sum()
        # The padded input drawn is the input framed by `padding` zeros.
        p = setting[2]
        padded = drawn_grid(texts, "input", (4 + 2 * p, 4 + 2 * p))
        np.testing.assert_array_equal(padded, np.pad(CONV_INPUT, p))
        k, s, _, d = setting
        assert texts["setting"] == (
            f"kernel {k}, stride {s}, padding {p}, dilation {d}"
            if lang == "en"
            else f"커널 크기 {k}, 스트라이드 {s}, 패딩 {p}, 팽창 {d}"
        )
    for setting, done in seen.items():
        assert done.all(), f"{setting}: some output values never shown"
    _check_language(anim, lang, "output")


@pytest.mark.parametrize("lang", LANGS)
def test_max_pooling_frames_match_maxpool2d(lang: str) -> None:
    anim = animate_max_pooling(lang=lang)
    pooled, indices = MaxPool2d(2, return_indices=True)(POOL_INPUT[None, None])
    pooled, indices = pooled[0, 0], indices[0, 0]
    assert len(anim.records) == pooled.size + 1
    for i in range(len(anim.records)):
        rec = anim.step(i)
        texts = drawn_texts(anim.fig)
        done = np.arange(4).reshape(2, 2) < min(i + 1, 4)
        drawn_values = drawn_grid(texts, "pooled", (2, 2))
        drawn_indices = drawn_grid(texts, "index", (2, 2))
        np.testing.assert_array_equal(drawn_values[done], pooled[done])
        np.testing.assert_array_equal(drawn_indices[done], indices[done])
        assert np.isnan(drawn_values[~done]).all()
        np.testing.assert_array_equal(drawn_grid(texts, "input", (4, 4)), POOL_INPUT)
        if rec["winner"] is not None:
            cell = divmod(i, 2)
            assert rec["winner"] == divmod(int(indices[cell]), 4)
            assert str(int(indices[cell])) in texts["caption"]
    _check_language(anim, lang, "indices")


@pytest.mark.parametrize("lang", LANGS)
def test_upsampling_frames_match_the_layers(lang: str) -> None:
    anim = animate_upsampling(lang=lang)
    pooled, indices = MaxPool2d(2, return_indices=True)(POOL_INPUT[None, None])
    outputs = {
        "nearest": Upsample(2, mode="nearest")(pooled)[0, 0],
        "bed_of_nails": Upsample(2, mode="bed_of_nails")(pooled)[0, 0],
        "unpool": MaxUnpool2d(2)(pooled, indices)[0, 0],
    }
    stages = [r["stage"] for r in anim.records]
    assert stages == ["start"] + ["moving", "landed"] * 4 + ["zeros"]
    for i in range(len(anim.records)):
        rec = anim.step(i)
        texts = drawn_texts(anim.fig)
        for name, out in outputs.items():
            np.testing.assert_array_equal(drawn_grid(texts, f"{name}_in", (2, 2)), pooled[0, 0])
            drawn = drawn_grid(texts, name, (4, 4))
            shown = ~np.isnan(drawn)
            np.testing.assert_array_equal(drawn[shown], out[shown])
            if rec["stage"] == "zeros":
                assert shown.all()
            if rec["stage"] == "moving":
                # The travelling value is the input value, headed to where the layer puts it.
                assert float(texts[f"{name}_moving"]) == rec["value"]
                for cell in rec["targets"][name]:
                    assert out[cell] == rec["value"]
            if rec["stage"] == "landed":
                for cell in rec["targets"][name]:
                    assert drawn[cell] == rec["value"]
    # Each value lands in a whole 2×2 block, its block's corner, and where pooling found it.
    targets = [r["targets"] for r in anim.records if r["stage"] == "landed"]
    assert [len(t["nearest"]) for t in targets] == [4, 4, 4, 4]
    assert [t["bed_of_nails"][0] for t in targets] == [(0, 0), (0, 2), (2, 0), (2, 2)]
    assert [divmod(int(v), 4) for v in indices.ravel()] == [t["unpool"][0] for t in targets]
    _check_language(anim, lang, "nails")


@pytest.mark.parametrize("lang", LANGS)
def test_transposed_convolution_frames_match_convtranspose2d(lang: str) -> None:
    anim = animate_transposed_convolution(lang=lang)
    layers = {}
    for k in (3, 4):
        layers[k] = ConvTranspose2d(1, 1, k, stride=2, bias=False, dtype=np.float64)
        layers[k].weight.data[...] = 1.0
    flat = list(np.ndindex(3, 3))
    assert len(anim.records) == len(flat) + 1
    for t in range(len(anim.records)):
        anim.step(t)
        texts = drawn_texts(anim.fig)
        for k, layer in layers.items():
            n = 2 * 2 + k  # (3 - 1)·stride + kernel
            full = layer(TRANSPOSE_INPUT[None, None])[0, 0]
            count = layer(np.ones((1, 1, 3, 3)))[0, 0]
            drawn = drawn_grid(texts, f"output{k}", (n, n))
            drawn_count = drawn_grid(texts, f"count{k}", (n, n))
            # Adding the stamps one by one: after all of them, the drawn output is the layer's.
            stamped = np.zeros((3, 3))
            for cell in flat[:t]:
                stamped[cell] = 1.0
            partial = layer((TRANSPOSE_INPUT * stamped)[None, None])[0, 0]
            shown = ~np.isnan(drawn)
            np.testing.assert_array_equal(drawn[shown], partial[shown])
            assert np.all(partial[~shown] == 0)
            np.testing.assert_array_equal(
                np.nan_to_num(drawn_count), layer(stamped[None, None])[0, 0]
            )
            if t == len(flat):
                np.testing.assert_array_equal(drawn, full)
                np.testing.assert_array_equal(drawn_count, count)
    # The final counts: kernel 3 alternates inside (a checkerboard), kernel 4 is even inside.
    last = anim.records[-1]
    inner3, inner4 = last["count3"][1:-1, 1:-1], last["count4"][2:-2, 2:-2]
    assert len(np.unique(inner3)) > 1
    assert np.unique(inner4).tolist() == [4.0]
    _check_language(anim, lang, "stride")


@pytest.mark.parametrize("lang", LANGS)
def test_linear_map_frames_match_linear(lang: str) -> None:
    anim = animate_linear_map(lang=lang)
    final = Linear(2, 2, dtype=np.float64)
    assert final.bias is not None
    final.weight.data[...] = WEIGHT
    final.bias.data[...] = BIAS
    stages = [r["stage"] for r in anim.records]
    assert stages[0] == "start"
    assert stages[-1] == "bias"
    for i in range(len(anim.records)):
        rec = anim.step(i)
        texts = drawn_texts(anim.fig)
        layer = Linear(2, 2, dtype=np.float64)
        assert layer.bias is not None
        layer.weight.data[...] = rec["weight"]
        layer.bias.data[...] = rec["bias"]
        expected = layer(QUADRILATERAL)
        for n, point in enumerate(expected):
            drawn = [
                float(v) for v in texts[f"point[{n}]"].strip("()").replace("−", "-").split(",")
            ]
            np.testing.assert_allclose(drawn, point, atol=0.005)  # drawn with 2 decimals
        origin = [float(v) for v in texts["origin"].strip("()").replace("−", "-").split(",")]
        np.testing.assert_allclose(origin, layer(np.zeros(2)), atol=0.005)
        if rec["stage"] != "bias":
            assert origin == [0.0, 0.0]  # a weight alone keeps the origin
    # The last frame is the layer with the chosen weight and bias; its origin moved to b.
    np.testing.assert_allclose(anim.records[-1]["points"], final(QUADRILATERAL))
    np.testing.assert_allclose(anim.records[-1]["origin"], BIAS)
    np.testing.assert_allclose(anim.records[STEPS]["points"], QUADRILATERAL @ WEIGHT.T)
    _check_language(anim, lang, "bias")


@pytest.mark.parametrize("lang", LANGS)
def test_player_html_is_offline_and_labelled(lang: str) -> None:
    anim = animate_max_pooling(lang=lang)
    html = anim.to_jshtml()
    assert "https://" not in html
    assert "http://" not in html
    assert 'class="fa' not in html
    assert html.count("data:image/png;base64") == len(anim.records)
    assert 'value="once"' in html
    assert re.search(r'value="once"[^>]*checked', html)
    assert f'alt="{anim.alt}"' in html
    play = "재생" if lang == "ko" else "Play"
    assert f'aria-label="{play}"' in html
    if lang == "ko":
        assert 'aria-label="Play"' not in html
    # In a notebook the player is the cell's output and the figure is not shown again.
    assert anim._repr_html_() == html
    assert not plt.fignum_exists(anim.fig.number)


def test_localise_player_on_matplotlib_template() -> None:
    from matplotlib._animation_data import DISPLAY_TEMPLATE, JS_INCLUDE

    html = localise_player(JS_INCLUDE + DISPLAY_TEMPLATE, "ko", "그림")
    assert "https://" not in html
    assert "<i class" not in html  # every button got a text symbol
    assert html.count("aria-label=") == 11  # 9 buttons, the mode form, the slider


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: animate_convolution(lang="fr"), "lang must be one of"),
        (lambda: animate_convolution(settings=[(5, 1, 0, 1)]), "kernel_size 3"),
        (lambda: animate_max_pooling(np.zeros((3, 3))), "4×4"),
        (lambda: animate_upsampling(lang="de"), "animate_upsampling"),
        (lambda: animate_transposed_convolution(np.zeros((2, 2))), "3×3"),
        (lambda: animate_linear_map(weight=np.eye(3)), "weight (2, 2)"),
    ],
)
def test_bad_arguments_are_named(call, message: str) -> None:
    with pytest.raises(LayerguideError, match=re.escape(message)):
        call()
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_step_out_of_range() -> None:
    anim = animate_max_pooling()
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        anim.step(5)
