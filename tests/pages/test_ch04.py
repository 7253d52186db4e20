"""Chapter 4 (parameters, receptive field): the numbers its prose quotes, both languages.

The receptive-field sections read chapter 5's trained autoencoder from the training cache
(``$LAYERGUIDE_CACHE``; on a miss it is trained once, as chapter 5 does).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerguide import trace
from layerguide.lesson.convnet import KERNELS, MOVIE_SHAPE
from layerguide.shapes import Video
from layerguide.tracer.windows import Window

pytestmark = pytest.mark.usefixtures("training_cache")

NAME = "plot_04_parameters_and_receptive_field.py"
LANGS = ("en", "ko")


@pytest.mark.parametrize("lang", LANGS)
def test_counts(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    dense, conv = g["dense_trace"], g["conv_trace"]
    assert dense.rows[1].input_shape == (1, 6_220_800)
    assert dense.total_params == 6_220_801
    assert 100 * 6_220_800 + 100 > 600_000_000  # "more than 600 million" for 100 outputs
    assert ("600 million" if lang == "en" else "6억 개가 넘게") in text
    assert tuple(g["conv"][0].weight.shape) == (16, 3, 5, 5)
    assert conv.rows[0].params - 16 == 16 * 3 * 5 * 5 == 1_200
    assert conv.rows[0].output_shape == (1, 16, 216, 384)
    assert conv.rows[1].output_shape == (1, 1_327_104)
    assert conv.total_params == 1_328_321
    ratio = f"{g['ratio']:.1f}"
    assert ratio == "4.7"
    quoted = [
        f"{dense.rows[1].input_shape[1]:,}",
        f"{dense.total_params:,}",
        "(16, 3, 5, 5)",
        "16 × 3 × 5 × 5 = 1,200",
        "3 × 16 × 5 × 5",
        "216 × 384",
        f"{conv.rows[0].params:,}",
        f"{conv.rows[1].output_shape[1]:,}",
        f"{conv.total_params:,}",
        ratio,
    ]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_receptive_fields(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    grown = g["grown"]
    fields = [r.receptive_field[0] for r in grown]
    strides = [r.effective_stride[0] for r in grown]
    assert fields == [3, 5, 6, 10, 12, 20]
    assert strides == [1, 1, 2, 2, 4, 4]
    assert all(isinstance(s, int | Fraction) for s in strides)
    assert ", ".join(map(str, fields)) in text
    assert ", ".join(map(str, strides)) in text
    # the page measures the last row's field by experiment and the prose says they agree
    assert g["measured"] == grown[-1].receptive_field == (20, 20)
    assert (
        "exactly as large as the field of the last row" if lang == "en" else "꼭 같은 크기"
    ) in text
    # the squares are drawn where the centre outputs' windows lie, and those drift
    centre = g["centre"]
    assert [w.height for w in centre] == fields  # the same sizes as the tracer's
    assert (centre[-1].height, centre[-1].width) == g["measured"]  # the probed output
    middles = [(w.rows[0] + w.rows[1]) / 2 for w in centre]
    assert middles[0] == 16
    assert middles[-1] == 17.5
    assert len(set(middles)) > 1
    rows = f"{centre[-1].rows[0]}–{centre[-1].rows[1]}"
    if lang == "en":
        quoted = [f"from row {middles[0]:g} to row {middles[-1]:g}", f"rows and columns {rows}"]
    else:
        quoted = [f"{middles[0]:g}행에서 {middles[-1]:g}행으로", f"{rows}행과 {rows}열"]
    for q in quoted:
        assert q in text, q


def span(pair: tuple[int, int]) -> str:
    return f"{pair[0]}–{pair[1]}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_field_as_large_as_the_digit(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    digit, ink = g["digit"], g["ink"]
    assert digit.shape == (28, 28)
    inked = digit > 0
    rows, cols = np.nonzero(inked)
    assert ink == Window((rows.min(), rows.max()), (cols.min(), cols.max()))
    assert (ink.rows, ink.cols) == ((7, 26), (6, 21))
    h, w = ink.height, ink.width
    fields = [r.receptive_field[0] for r in g["layers"]]
    assert fields == [3, 4, 8, 10, 18, 22]
    first = next(r for r in g["layers"] if r.name == g["first"])
    before = g["layers"][: g["layers"].index(first)]
    assert first.receptive_field[0] >= h
    assert first.receptive_field[1] >= w
    assert all(r.receptive_field[0] < h or r.receptive_field[1] < w for r in before)
    assert g["first"] == "encoder.stages.2.pool"
    assert f"``{g['first']}``" in text
    if lang == "en":
        quoted = [
            f"rows {span(ink.rows)} and columns {span(ink.cols)}",
            f"{h} pixels high and {w} wide",
            "3, 4, 8, 10, 18 and 22",
            "22 × 22",
        ]
    else:
        quoted = [
            f"{span(ink.rows)}행, {span(ink.cols)}열",
            f"높이 {h}, 너비 {w}픽셀",
            "3, 4, 8, 10, 18, 22픽셀",
            "22 × 22",
        ]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_no_field_holds_the_digit(page, prose, lang: str) -> None:
    """The real windows after the third pooling: an 8-pixel grid, none containing digit 0."""
    g, text = page(NAME, lang), prose(NAME, lang)
    windows, ink, best = g["windows"], g["ink"], g["best"]
    assert len(windows) == 16
    assert max(windows) == (3, 3)  # a 4 × 4 output
    rows = [windows[i, 0].rows for i in range(4)]
    assert rows == [(0, 14), (1, 22), (9, 27), (17, 27)]  # 8i − 7 … 8i + 14, clipped
    assert all(windows[0, j].cols == rows[j] for j in range(4))
    assert not any(lo <= ink.rows[0] and ink.rows[1] <= hi for lo, hi in rows)
    assert g["whole"] == []
    # the same windows from torch autograd on the page's trained encoder: the pixels whose
    # gradient is ever non-zero over random inputs
    encoder = g["autoencoder"].encoder
    assert not encoder.training
    for pos in [(0, 0), (1, 1), (3, 2)]:
        x = torch.randn(256, 1, 28, 28, generator=torch.Generator().manual_seed(1))
        x.requires_grad_(True)
        (grad,) = torch.autograd.grad(encoder(x).values[:, :, pos[0], pos[1]].sum(), x)
        r, c = torch.nonzero((grad[:, 0] != 0).any(dim=0), as_tuple=True)
        assert windows[pos] == Window((int(r.min()), int(r.max())), (int(c.min()), int(c.max())))
    # the output that sees most of the ink, and how much
    inked = g["digit"] > 0
    counts = {
        p: inked[w.rows[0] : w.rows[1] + 1, w.cols[0] : w.cols[1] + 1].sum()
        for p, w in windows.items()
    }
    assert best == max(counts, key=counts.__getitem__) == (1, 1)
    assert g["share"][best] == pytest.approx(counts[best] / inked.sum())
    seen = windows[best]
    assert seen.cols[0] <= ink.cols[0]
    assert ink.cols[1] <= seen.cols[1]
    missed = (seen.rows[1] + 1, ink.rows[1])
    percent = f"{g['share'][best]:.0%}"
    if lang == "en":
        quoted = [
            "0–14, 1–22, 9–27 and 17–27",
            f"needs rows {span(ink.rows)}",
            "none of the 16 outputs",
            f"({best[0]}, {best[1]}), sees rows {span(seen.rows)}",
            f"bottom rows {span(missed)}",
            f"{percent} of the inked pixels",
            "8 pixels apart",
        ]
    else:
        quoted = [
            "0–14, 1–22, 9–27, 17–27",
            f"{span(ink.rows)}행이 모두 필요한데",
            "출력 16개 가운데 글씨 전체를 보는 출력은 하나도 없습니다",
            f"출력 ({best[0]}, {best[1]})도 {span(seen.rows)}행만",
            f"{span(missed)}행을 놓치고",
            f"{percent}만 봅니다",
            "8픽셀씩",
        ]
    for q in quoted:
        assert q in text, q
    assert g["steps"][-1][0].stride * g["steps"][-3][0].stride * g["steps"][-5][0].stride == 8


@pytest.mark.parametrize("lang", LANGS)
def test_the_effective_field(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    effective, best, windows = g["effective"], g["best"], g["windows"]
    digits = g["test_digits"]
    assert digits.shape == (1000, 1, 28, 28)
    # recompute a few images one at a time with autograd: the page's mean agrees
    encoder = g["autoencoder"].encoder
    x = torch.from_numpy(digits[:50]).float().requires_grad_(True)
    (grad,) = torch.autograd.grad(encoder(x).values[:, :, best[0], best[1]].sum(), x)
    one = torch.from_numpy(digits[:1]).float().requires_grad_(True)
    (alone,) = torch.autograd.grad(encoder(one).values[0, :, best[0], best[1]].sum(), one)
    torch.testing.assert_close(grad[:1], alone)  # images do not mix (eval mode)
    from layerguide.tracer.probe import effective_field

    part = effective_field(lambda t: encoder(t).values, digits[:50], best)
    np.testing.assert_allclose(part, grad.abs().mean(dim=0)[0].numpy(), rtol=1e-5, atol=1e-9)
    support, strong = g["support"], g["strong"]
    assert support == windows[best]  # zero outside the theoretical window, exactly
    assert (strong.rows, strong.cols) == ((6, 11), (9, 14))
    assert strong.height * strong.width < windows[best].height * windows[best].width / 4
    peak = np.unravel_index(effective.argmax(), effective.shape)
    assert strong.contains((peak[0], peak[0]), (peak[1], peak[1]))
    if lang == "en":
        quoted = [
            f"output ({best[0]}, {best[1]}) of the trained encoder",
            f"first {len(digits):,} test digits",
            f"outside rows {span(support.rows)} and columns {span(support.cols)}",
            f"fill only rows {span(strong.rows)} and columns {span(strong.cols)}",
            f"a {strong.height} × {strong.width} patch",
        ]
    else:
        quoted = [
            f"출력 ({best[0]}, {best[1]})의 코드 채널 값을 모두 더한 것",
            f"테스트 숫자 이미지 {len(digits):,}장",
            f"{span(support.rows)}행, {span(support.cols)}열 밖에서는 0",
            f"{span(strong.rows)}행, {span(strong.cols)}열, 곧 {strong.height} × {strong.width} 조각",
        ]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_pooling_makes_a_shift_matter_less(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    fmap_change, pooled_change = g["changes"]
    assert pooled_change < fmap_change
    # the same measurement with torch
    x = torch.from_numpy(np.asarray(g["digits"]))
    w = torch.from_numpy(np.stack([KERNELS["sobel_x"], KERNELS["sobel_y"]]))[:, None]
    maps = [F.relu(F.conv2d(d, w, padding=1)) for d in (x, torch.roll(x, 1, dims=3))]
    pooled = [F.max_pool2d(m, 2) for m in maps]
    for got, (a, b) in zip(g["changes"], (maps, pooled), strict=True):
        assert got == pytest.approx(((a - b).abs().sum() / a.abs().sum()).item(), rel=1e-5)
    assert x.shape == (100, 1, 28, 28)
    assert x[..., -1].abs().max() == 0  # rolling by one pixel only moves the digit
    for change in g["changes"]:
        assert f"{round(100 * change)}%" in text


@pytest.mark.parametrize("lang", LANGS)
def test_movie(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    movie = g["movie_trace"]
    chapter_1 = Video(width=1280, height=1024, fps=30, minutes=90, channels=1).shape("TCHW")
    assert MOVIE_SHAPE == chapter_1 == (162_000, 1, 1024, 1280)
    assert movie.input_shapes == (MOVIE_SHAPE,)
    assert "(162000, 1, 1024, 1280)" in text
    assert "(162000, 1, 1280, 1024)" not in text  # the lesson's W-before-H order (E1)
    assert round(torch.Size(MOVIE_SHAPE).numel() * 4 / 1e9) == 849
    assert movie.rows[0].output_shape == (162_000, 16, 204, 256)
    assert str(movie.rows[0].output_shape) in text
    assert torch.Size(movie.rows[0].output_shape).numel() > 135e9
    assert ("135 billion" if lang == "en" else "1,350억") in text
    assert movie.total_params == 1_049_546
    assert f"{movie.total_params:,}" in text
    assert f"{movie.total_macs / 1e12:.1f}" == "13.3"
    assert "13.3" in text
    assert "849 GB" in text
    assert "162,000" in text


def published_fields() -> list[int]:
    from tests.tracer.models import ResNet50, alexnet, vgg16

    fields = []
    for factory, name in ((alexnet, "0.12"), (vgg16, "0.30"), (ResNet50, "layer4.2.relu")):
        with torch.device("meta"):
            model = factory()
        row = [r for r in trace(model, (1, 3, 224, 224)).rows if r.name == name][-1]
        fields.append(row.receptive_field[0])
    return fields


def test_published_receptive_fields_are_the_tracers(prose) -> None:
    a, v, r = published_fields()
    assert (a, v, r) == (195, 212, 483)
    assert f"{a} pixels for AlexNet, {v} for VGG16 and {r} for ResNet-50" in prose(NAME, "en")
    assert f"AlexNet은 {a}픽셀, VGG16은 {v}픽셀, ResNet-50은 {r}픽셀" in prose(NAME, "ko")
