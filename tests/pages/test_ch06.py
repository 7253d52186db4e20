"""Chapter 6 (the decoders), both languages: the numbers its prose quotes are the ones it
computed, checked against torch where torch has the same operation.

Like chapter 5 it reads trained models from ``LAYERGUIDE_CACHE``, by default the docs
build's cache, so tests and docs train only once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from layerguide.viz import decoder_table

PAGE = "plot_06_decoders.py"
LANGS = ("en", "ko")
ROOT = Path(__file__).resolve().parents[2]


# Trained models come from the docs build's cache unless LAYERGUIDE_CACHE says otherwise.
pytestmark = pytest.mark.usefixtures("training_cache")


@pytest.mark.parametrize("lang", LANGS)
def test_max_unpool_side_information_as_quoted(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    side = g["side"]
    # the shapes of the indices the default encoder really hands over
    model = g["models"]["max_unpool"]
    real = [tuple(i.shape[1:]) for i in model.encode(torch.zeros(1, 1, 28, 28)).indices]
    assert side.shapes == real
    assert side.indices == sum(c * h * w for c, h, w in real)
    terms = " + ".join(f"{c}·{h}·{w}" for c, h, w in side.shapes)
    assert f"{terms} = {side.indices:,}" in text  # 16·14·14 + 64·7·7 + 96·4·4 = 7,808
    # 2 bits per full 2 × 2 window; at 7 → 4 the last row/column of windows has 2 or 1
    # candidates: per channel 9 full windows, 6 edge windows (1 bit), 1 corner (0 bits)
    (c1, h1, w1), (c2, h2, w2), (c3, _, _) = side.shapes
    assert side.bits == 2 * (c1 * h1 * w1 + c2 * h2 * w2) + c3 * (9 * 2 + 6 * 1)
    kbit = f"{side.bits / 1000:.1f}"  # 14.8
    assert (f"{kbit} kbit" if lang == "en" else f"{kbit}킬로비트") in text
    assert side.code_bits == 32 * g["AutoencoderConfig"]().code_size
    assert f"{side.code_bits:,}" in text  # 4,096
    assert f"{side.bits / side.code_bits:.1f}" in text  # 3.6


@pytest.mark.parametrize("lang", LANGS)
def test_upsampling_example(page, lang: str) -> None:
    g = page(PAGE, lang)
    assert g["pooled"][0, 0].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert g["indices"][0, 0].tolist() == [[4, 7], [9, 14]]
    out = g["panels"]["max_unpool"][0, 0]
    assert out.tolist() == [[0, 0, 0, 0], [1, 0, 0, 2], [0, 3, 0, 0], [0, 0, 4, 0]]
    torch_unpool = nn.MaxUnpool2d(2)(g["pooled"], g["indices"])
    assert torch.equal(out, torch_unpool[0, 0])
    up = nn.Upsample(scale_factor=2, mode="nearest")(g["small"])
    assert torch.equal(g["panels"]["nearest"], up)


@pytest.mark.parametrize("lang", LANGS)
def test_overlap_counts(page, lang: str) -> None:
    counts = page(PAGE, lang)["counts"]
    assert set(np.unique(counts[3]).tolist()) == {1.0, 2.0, 4.0}  # uneven: checkerboard
    assert set(np.unique(counts[4][1:-1, 1:-1]).tolist()) == {4.0}  # even inside
    for k in (3, 4):  # torch agrees
        up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
        nn.init.ones_(up.weight)
        with torch.no_grad():
            expected = up(torch.ones(1, 1, 4, 4))[0, 0].numpy()
        np.testing.assert_array_equal(counts[k], expected)


@pytest.mark.parametrize("lang", LANGS)
def test_output_size_formula_matches_the_layer_and_torch(page, lang: str) -> None:
    g = page(PAGE, lang)
    assert len(g["sizes"]) >= 5
    for n, k, s, p, op, d, formula, layer in g["sizes"]:
        assert formula == layer
        t = nn.ConvTranspose2d(1, 1, k, s, p, op, dilation=d)
        assert t(torch.zeros(1, 1, n, n)).shape[-1] == formula
    decoder = g["models"]["transpose"].decoder.net
    firsts = [
        (m.kernel_size[0], m.stride[0], m.padding[0])
        for m in decoder
        if isinstance(m, nn.ConvTranspose2d)
    ]
    assert firsts == [(k, s, p) for _, k, s, p, *_ in g["sizes"][:3]]  # "the first three rows"


@pytest.mark.parametrize("lang", LANGS)
def test_kernel_sizes_that_grow_4_to_7(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    fits = {(f.kernel_size, f.padding, f.output_padding) for f in g["fits"]}
    assert {(2, 1, 1), (3, 1, 0), (4, 2, 1), (5, 2, 0)} <= fits  # review E2
    for k, p, op in fits:
        t = nn.ConvTranspose2d(1, 1, k, stride=2, padding=p, output_padding=op)
        assert t(torch.zeros(1, 1, 4, 4)).shape[-2:] == (7, 7)
    assert all(f.size == 7 for f in g["fits"])
    assert len(fits) == 5
    assert ("Five kernel sizes fit" if lang == "en" else "맞는 커널 크기는 다섯 가지") in text
    for wrong in ("no other size fits", "다른 크기가 맞지 않는", "다른 크기로 7을 맞출 수 없"):
        assert wrong not in text
    first = g["models"]["transpose"].decoder.net[2]
    assert (first.kernel_size[0], first.padding[0], first.output_padding[0]) == (3, 1, 0)


@pytest.mark.parametrize("lang", LANGS)
def test_transposed_convolution_is_the_transposed_matrix(page, lang: str) -> None:
    g = page(PAGE, lang)
    assert g["matrix"].shape == (4, 16)
    np.testing.assert_array_equal(g["by_matrix"], g["by_layer"])
    x = torch.from_numpy(g["y"])[None, None]
    w = torch.from_numpy(g["kernel"])[None, None]
    np.testing.assert_allclose(g["by_layer"], torch.conv_transpose2d(x, w)[0, 0].numpy())
    # the matrix really is the convolution
    image = np.arange(16.0).reshape(4, 4)
    conv = torch.conv2d(torch.from_numpy(image)[None, None], w)[0, 0].numpy().ravel()
    np.testing.assert_allclose(g["matrix"] @ image.ravel(), conv)


@pytest.mark.parametrize("lang", LANGS)
def test_checkerboard_on_the_photo(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    ratios = g["ratios"]
    assert round(ratios["k3"]) == 4  # "four times as bright"
    assert ("four times as bright" if lang == "en" else "네 배 밝게") in text
    assert ratios["k4"] < 1.05
    assert ratios["resize"] < 1.05
    assert g["upsampled"]["k3"].shape == g["grey"].shape == (120, 120)
    assert g["upsampled"]["input"].shape == (60, 60)
    assert "60 × 60" in text


@pytest.mark.parametrize("lang", LANGS)
def test_decoder_table_and_widths(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    infos = g["infos"]
    assert list(infos) == list(g["DECODERS"])
    budget = g["PAGE_BUDGET"]
    table = decoder_table(
        infos,
        g["DECODER_FAMILIES"],
        steps=budget.steps,
        batch_size=budget.batch_size,
        n_test=len(g["test"].images),
        lang=lang,
    )
    params = table.column("parameters" if lang == "en" else "파라미터 개수")
    assert params == [info["params"] for info in infos.values()]
    assert f"{len(g['test'].images):,}" in text  # 10,000 test digits
    widths = g["AutoencoderConfig"]().decoder_widths
    mirrored = g["AutoencoderConfig"](decoder="nearest").decoder_widths
    (d7, d14), (m7, m14) = widths, mirrored
    quoted = (
        f"({d7} and {d14} channels at 7 × 7 and 14 × 14, not {m7} and {m14})"
        if lang == "en"
        else f"(풀링 뒤 기준 7 × 7에서 {m7}개 대신 {d7}개, 14 × 14에서 {m14}개 대신 {d14}개)"
    )
    assert quoted in text


@pytest.mark.parametrize("lang", LANGS)
def test_what_the_table_says_is_what_it_shows(page, prose, lang: str) -> None:
    """The page's reading of the decoder table, checked against the trained models."""
    g, text = page(PAGE, lang), prose(PAGE, lang)
    bce = {name: float(info["test_bce"]) for name, info in g["infos"].items()}
    params = {name: int(info["params"]) for name, info in g["infos"].items()}
    # max unpooling has the lowest loss, and receives more bits of indices than of code
    assert min(bce, key=bce.__getitem__) == "max_unpool"
    assert g["side"].bits > g["side"].code_bits
    # fully connected: by far the most parameters, still the highest loss of the code-only ones
    code_only = {name: value for name, value in bce.items() if name != "max_unpool"}
    assert max(code_only, key=code_only.__getitem__) == "fc"
    assert params["fc"] > 2 * sorted(params.values())[-2]
    # the convolutional decoders' differences are small next to the gap to fully connected
    conv = [bce[name] for name in ("nearest", "bed_of_nails", "transpose")]
    assert max(conv) - min(conv) < (bce["fc"] - max(conv)) / 2
    steps = g["PAGE_BUDGET"].steps
    quoted = f"{steps} steps are not enough" if lang == "en" else f"{steps}단계로는 모자랍니다"
    assert quoted in text
    assert ("What to remember" if lang == "en" else "기억할 것") in text


@pytest.mark.parametrize("lang", LANGS)
def test_encoders_are_trained_separately_as_the_prose_says(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    encoders = [m.encoder.state_dict() for m in g["models"].values()]
    first = encoders[0]
    assert all(set(e) == set(first) for e in encoders)  # same architecture
    assert not all(torch.equal(e[k], first[k]) for e in encoders[1:] for k in first)
    # review E8: not "the same encoder", but one of the same architecture
    assert "same encoder" not in text
    assert "디코더를 같은 인코더" not in text
    assert ("trained separately" if lang == "en" else "따로 학습") in text


def test_korean_wording_from_the_review() -> None:
    text = (ROOT / "gallery" / "ko" / PAGE).read_text(encoding="utf-8")
    for phrase in (
        "그 값만큼",
        "이겼는지",
        "격자에 대한 감각",
        "모양",
        "코드 128개",
        "우리의",
        "커널 3",
        "커널 4",
    ):
        assert phrase not in text, phrase
    assert "인코더가 작게 줄인 숫자 이미지를 이제 디코더가 다시 키워야 합니다." in text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lesson: lesson.kernel_fits(0, 7, stride=2), "kernel_fits"),
        (lambda lesson: lesson.conv_matrix(np.ones((2, 3)), 4), "conv_matrix"),
        (lambda lesson: lesson.conv_matrix(np.ones((5, 5)), 4), "conv_matrix"),
        (lambda lesson: lesson.checkerboard(np.ones((5, 6))), "checkerboard"),
        (lambda lesson: lesson.unpool_side_information("default"), "unpool_side_information"),
    ],
)
def test_lesson_helpers_reject_bad_input(call, message: str) -> None:
    from layerguide import LayerguideError
    from layerguide.lesson import decoders

    with pytest.raises(LayerguideError, match=message) as info:
        call(decoders)
    assert isinstance(info.value, ValueError)
