"""Chapter 7 (why convolution works): every number its prose quotes, as the page computed it.

Both languages run the same code; each test checks the page's own globals and the prose of
that language. Equalities are checked again here against PyTorch, independently of the page.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

NAME = "plot_07_why_convolution.py"
LANGS = ("en", "ko")


def quoted(text: str, *numbers: str) -> None:
    for n in numbers:
        assert n in text, n


@pytest.mark.parametrize("lang", LANGS)
def test_one_output_is_three_channel_sums_plus_bias(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    conv, crop, maps = g["conv"], g["crop"], g["maps"]
    assert crop.shape == (1, 3, 64, 64)
    assert conv.weight.shape == (16, 3, 5, 5)
    assert maps.shape == (1, 16, 60, 60)
    r, c = g["r"], g["c"]
    assert abs(g["layer"]) == np.abs(maps[0, 0]).max()  # "its strongest output"
    assert g["patch"].shape == (3, 5, 5)
    assert g["sums"].shape == (3,)
    # each channel's sum, computed here from the weights and the crop directly
    w = conv.weight.data[0].astype(np.float64)
    mine = [(crop[0, i, r : r + 5, c : c + 5] * w[i]).sum() for i in range(3)]
    np.testing.assert_allclose(g["sums"], mine, rtol=1e-12)
    np.testing.assert_allclose(g["by_hand"], g["layer"], rtol=1e-5, atol=1e-6)
    reference = F.conv2d(
        torch.from_numpy(crop), torch.from_numpy(conv.weight.data), torch.from_numpy(conv.bias.data)
    )
    np.testing.assert_allclose(g["by_hand"], reference[0, 0, r, c].item(), rtol=1e-5, atol=1e-6)
    # the photo is averaged in 6 × 6 blocks
    assert g["blocks"].shape == (100, 85, 3)
    assert 600 // 6 == 100
    assert 510 // 6 == 85
    quoted(text, "64 × 64", "6 × 6", "Conv2d(3, 16, 5)", "(16, 3, 5, 5)", "3 × 5 × 5")
    quoted(text, "25", "3 × 16 × 5 × 5")
    assert w[0].size == 25


@pytest.mark.parametrize("lang", LANGS)
def test_one_by_one_conv_is_a_linear_at_every_pixel(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    mix, per_pixel = g["mix"], g["per_pixel"]
    assert mix.weight.shape == (4, 16, 1, 1)
    assert (per_pixel.in_features, per_pixel.out_features) == (16, 4)
    assert g["mix_gap"] < 1e-5
    to_code = g["to_code"]
    assert isinstance(to_code, torch.nn.Conv2d)
    assert (to_code.in_channels, to_code.out_channels, to_code.kernel_size) == (96, 8, (1, 1))
    assert g["hidden"].shape == (1, 96, 4, 4)
    assert g["code"].shape == (1, 8, 4, 4)
    assert g["code_gap"] < 1e-5
    # the same with torch alone: a 1 × 1 convolution is F.linear on the channel axis
    x = torch.from_numpy(g["hidden"])
    with torch.no_grad():
        by_linear = F.linear(x.permute(0, 2, 3, 1), to_code.weight[:, :, 0, 0], to_code.bias)
        torch.testing.assert_close(by_linear.permute(0, 3, 1, 2), to_code(x))
    quoted(text, "Linear(16, 4)", "(4, 16, 1, 1)", "Conv2d(96, 8, 1)", "Linear(96, 8)", "4 × 4")
    assert 4 * 4 == 16
    assert "16" in text


@pytest.mark.parametrize("lang", LANGS)
def test_flatten_linear_is_a_whole_map_convolution(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    head, whole = g["head"], g["whole"]
    assert head.in_features == 16 * 60 * 60 == 57600
    assert head.out_features == 10
    assert whole.kernel_size == (60, 60)
    assert whole.out_channels == 10
    assert g["flat_out"].shape == (1, 10)
    assert g["conv_out"].shape == (1, 10, 1, 1)
    assert g["head_gap"] < 1e-5
    with torch.no_grad():
        theirs = F.conv2d(
            torch.from_numpy(g["maps"]),
            torch.from_numpy(head.weight.data).reshape(10, 16, 60, 60),
            torch.from_numpy(head.bias.data),
        )
    np.testing.assert_allclose(theirs[:, :, 0, 0].numpy(), g["flat_out"], rtol=1e-4, atol=1e-5)
    quoted(text, "Linear(57600, 10)", "(16, 60, 60)", "Conv2d(16, 10, 60)", "(1, 10, 1, 1)")


@pytest.mark.parametrize("lang", LANGS)
def test_translation_equivariance(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    shift, strided = g["shift"], g["strided"]
    out, out_moved = shift.outputs
    assert out.shape == out_moved.shape == (1, 16, 60, 60)
    # the moved picture's map at (i, j) is the first map at (i + 3, j + 5)
    np.testing.assert_allclose(out_moved[:, :, :57, :55], out[:, :, 3:, 5:], atol=1e-6)
    assert shift.difference < 1e-5
    a, b = strided.outputs
    np.testing.assert_allclose(b[:, :, :-1, :-2], a[:, :, 1:, 2:], atol=1e-6)
    assert strided.difference < 1e-5
    # and it is a real move: without shifting back, the maps differ a lot
    assert np.abs(out_moved - out).max() > 100 * shift.difference + 0.1
    if lang == "en":
        quoted(text, "3 pixels up and 5 to the left", "by (1, 2)", "moves by (5, 10)")
    else:
        quoted(text, "위로 3픽셀, 왼쪽으로 5픽셀", "(1, 2)만큼", "(5, 10)만큼")


@pytest.mark.parametrize("lang", LANGS)
def test_the_parameter_bill(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    bill = g["bill"]
    n_in, n_out = 3 * 1080 * 1920, 16 * 216 * 384
    # hand counts, independent of lesson.bridges
    assert bill["dense"].weights == n_in * n_out
    assert bill["local"].weights == n_out * 75
    assert bill["local"].biases == n_out
    assert (bill["conv"].weights, bill["conv"].biases) == (3 * 16 * 5 * 5, 16)
    assert bill["linear"].total == n_in + 1
    assert bill["conv_linear"].total == 1216 + n_out + 1
    assert bill["stride1_linear"].total == 1216 + 16 * 1076 * 1916 + 1
    assert bill["gap_linear"].total == 1216 + 16 + 1
    assert g["small"]["gap_linear"] == bill["gap_linear"]  # any image size
    assert g["locality"] == g["sharing"] == 216 * 384
    assert n_in == 216 * 384 * 75  # the windows tile the frame
    orders = math.log10(bill["dense"].total / bill["conv"].total)
    assert 9.5 < orders < 10  # "almost ten orders of magnitude"
    assert g["times"] == pytest.approx(bill["stride1_linear"].total / bill["linear"].total)
    assert round(bill["linear"].total / 1e6, 1) == 6.2
    assert round(bill["conv_linear"].total / 1e6, 1) == 1.3
    mantissa = bill["dense"].weights / 10**12
    quoted(
        text,
        "16 × 216 × 384 = 1,327,104",
        f"{n_in:,}",
        f"{mantissa:.2f} × 10¹²",
        f"{bill['local'].weights:,}",
        f"{bill['local'].biases:,}",
        f"{bill['conv'].weights:,}",
        f"{g['locality']:,}",
        f"216 × 384 = {216 * 384:,}",
        f"{bill['conv_linear'].total:,}",
        f"{bill['linear'].total:,}",
        f"16 × 1,076 × 1,916 = {16 * 1076 * 1916:,}",
        f"{bill['stride1_linear'].total:,}",
        f"{g['times']:.1f}",
        f"{bill['gap_linear'].total:,}",
        "Linear(16, 1)",
        "3 × 1080 × 1920",
    )
    assert text.count(f"{g['locality']:,}") >= 3
    if lang == "en":
        quoted(text, "1.3 million and 6.2", "75 weights", "1,200 weights and 16 biases")
    else:
        quoted(text, "약 130만 개와 약 620만", "가중치 75개", "가중치 1,200개와 편향 16개")
    assert g["maps"].mean(axis=(2, 3)).shape == (1, 16)  # "16 numbers"
    # sharing saves parameters, not arithmetic: one MAC per locally connected weight
    assert g["macs"] == bill["local"].weights == n_out * 3 * 5 * 5
    quoted(text, f"{g['macs']:,}")
