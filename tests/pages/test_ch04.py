"""Chapter 4 (parameters, receptive field): the numbers its prose quotes, both languages."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerguide import trace
from layerguide.lesson.convnet import KERNELS, MOVIE_SHAPE
from layerguide.shapes import Video

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


@pytest.mark.parametrize("lang", LANGS)
def test_the_field_must_cover_the_digit(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    top, left, h, w = g["box"]
    digit = g["digit"]
    assert digit.shape == (28, 28)
    ink = digit > 0
    assert ink[top : top + h, left : left + w].sum() == ink.sum()  # the box holds every stroke
    assert ink[top].any()
    assert ink[top + h - 1].any()
    assert ink[:, left].any()
    assert ink[:, left + w - 1].any()
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
        quoted = [f"{h} pixels high and {w} wide", "3, 4, 8, 10, 18 and 22", "22 × 22"]
    else:
        quoted = [f"높이 {h}, 너비 {w}픽셀", "3, 4, 8, 10, 18, 22픽셀", "22 × 22"]
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
        assert f"{round(100 * change)} %" in text


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
