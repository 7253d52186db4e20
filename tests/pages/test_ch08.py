"""Chapter 8 (pooling, its alternatives, memory): the numbers its prose quotes, both languages."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

NAME = "plot_08_pooling_and_memory.py"
LANGS = ("en", "ko")


@pytest.mark.parametrize("lang", LANGS)
def test_where_the_gradient_goes(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    x = torch.from_numpy(g["POOL_INPUT"]).requires_grad_(True)
    upstream = torch.from_numpy(g["UPSTREAM"])
    # torch autograd gives the same input gradients as the page
    (max_grad,) = torch.autograd.grad(F.max_pool2d(x, 2), x, upstream)
    (avg_grad,) = torch.autograd.grad(F.avg_pool2d(x, 2), x, upstream)
    np.testing.assert_array_equal(g["max_grad"], max_grad.numpy())
    np.testing.assert_array_equal(g["avg_grad"], avg_grad.numpy())
    np.testing.assert_array_equal(g["average"], F.avg_pool2d(x, 2).detach().numpy())
    assert g["POOL_INPUT"].shape == (1, 1, 4, 4)
    assert g["UPSTREAM"][0, 0].ravel().tolist() == [1, 2, 3, 4]
    assert g["zeros"] == 12
    assert np.count_nonzero(g["max_grad"]) == 4
    assert g["max_grad"].sum() == g["avg_grad"].sum() == g["UPSTREAM"].sum() == 10
    assert g["avg_grad"].min() > 0
    # each window's gradient reaches its winner whole
    for i, j in np.ndindex(2, 2):
        window = g["max_grad"][0, 0, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        assert window.max() == window.sum() == g["UPSTREAM"][0, 0, i, j]
    assert set(np.unique(g["avg_grad"] * 4)) == {1, 2, 3, 4}  # a quarter of each
    if lang == "en":
        quoted = [
            "1, 2, 3 and 4",
            "16 inputs",
            "the other 12 of the 16",
            "only 4 of the 16",
            "a quarter of its window's gradient",
            "the whole gradient, 10",
        ]
    else:
        quoted = [
            "1, 2, 3, 4입니다",
            "입력 16개에",
            "나머지 12개는 0을",
            "16자리 가운데 4자리",
            "4분의 1씩 받습니다",
            "10으로 같습니다",
        ]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_alternatives(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    c, traces, params, fields = g["C"], g["way_traces"], g["params"], g["fields"]
    assert g["MAP"] == (1, 64, 56, 56)
    assert traces["max_pool"].output_shape == traces["strided"].output_shape == (1, 64, 28, 28)
    assert traces["dilated"].output_shape == traces["three_3x3"].output_shape == g["MAP"]
    assert params["max_pool"] == 0
    assert params["strided"] == params["dilated"] == 9 * c * c == 36_864
    assert fields["strided"] == (3, 3)
    assert fields["dilated"] == (5, 5)
    assert fields["three_3x3"] == fields["one_7x7"] == (7, 7)
    assert params["three_3x3"] == 27 * c * c == 110_592
    assert params["one_7x7"] == 49 * c * c == 200_704
    assert f"{g['stack_share']:.0%}" == "55%"
    kinds = [r.kind for r in traces["three_3x3"].rows]
    assert kinds.count("ReLU") == 2
    assert kinds.count("Conv2d") == 3
    quoted = [
        "(1, 64, 28, 28)",
        "9 × 64² = 36,864",
        "5 × 5",
        "7 × 7",
        "27 × 64²",
        "110,592",
        "49 × 64² = 200,704",
        "55%",
        "56 × 56",
    ]
    quoted += (
        ["64 channels, 56 × 56", "two ReLUs"]
        if lang == "en"
        else ["채널 64개, 56 × 56", "ReLU가 두 번"]
    )
    for q in quoted:
        assert q in text, q
    assert "49C²" in text
    assert "27C²" in text


@pytest.mark.parametrize("lang", LANGS)
def test_what_pooling_saves(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    macs, linear = g["conv_macs"], g["linear_params"]
    # hand counts: 3 × 3 × 64 MACs per output value of 128 channels
    assert macs["flatten"] == macs["global"] == 56 * 56 * 128 * 64 * 9 == 231_211_008
    assert macs["pool"] == 28 * 28 * 128 * 64 * 9 == 57_802_752
    assert linear["flatten"] == 128 * 56 * 56 * 10 + 10 == 4_014_090
    assert linear["pool"] == 128 * 28 * 28 * 10 + 10 == 1_003_530
    assert linear["global"] == 128 * 10 + 10 == 1_290
    assert g["conv_params"] == 128 * 64 * 9 + 128 == 73_856
    assert macs["flatten"] == 4 * macs["pool"]
    assert linear["flatten"] - 10 == 4 * (linear["pool"] - 10)  # the weights; 10 biases stay
    assert g["head_traces"]["global"].rows[-1].input_shape == (1, 128)
    quoted = [
        "73,856",
        "28 × 28",
        "57,802,752",
        "231,211,008",
        "4,014,090",
        "1,003,530",
        "128",
        "1,290",
        "64 → 128",
        "64 × 56 × 56",
    ]
    quoted += ["10 outputs", "by 4"] if lang == "en" else ["출력이 10개", "4분의 1로"]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_vgg_parameters_and_memory(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    vgg, blocks, first = g["vgg_trace"], g["blocks"], g["first_linear"]
    assert vgg.input_shapes == ((1, 3, 224, 224),)
    assert vgg.meta_device
    assert vgg.total_params == 138_357_544
    # the first Linear: 512 × 7 × 7 values in, 4,096 out
    assert first.name == "classifier.0"
    assert first.input_shape == (1, 512 * 7 * 7) == (1, 25_088)
    assert first.params == 25_088 * 4_096 + 4_096 == 102_764_544
    assert f"{g['linear_share']:.0%}" == "74%"
    # activation memory by hand: every Conv2d, MaxPool2d and the average pooling makes a new
    # float32 tensor; in-place ReLUs, flatten and Dropout do not; the Linear outputs are tiny
    maps = [(64, 224), (64, 224), (64, 112), (128, 112), (128, 112), (128, 56)]
    maps += [(256, 56)] * 3 + [(256, 28)] + [(512, 28)] * 3 + [(512, 14)]
    maps += [(512, 14)] * 3 + [(512, 7), (512, 7)]
    by_hand = 4 * (sum(c * s * s for c, s in maps) + 4096 + 4096 + 1000)
    assert vgg.activation_bytes == by_hand == 60_448_672
    assert f"{vgg.activation_bytes / 1e6:.1f} MB" == "60.4 MB"
    block1 = 4 * (64 * 224 * 224 * 2 + 64 * 112 * 112)
    assert blocks[0].activation_bytes == block1
    assert blocks[0].name == "block1"
    assert [r.kind for r in blocks[0].rows][-1] == "MaxPool2d"
    assert f"{block1 / by_hand:.1%}" == g["memory_shares"][0] == "47.8%"
    assert blocks[0].params == 1_792 + 36_928
    assert f"{float(blocks[0].param_share):.2%}" == "0.03%"
    assert g["memory_shares"][1:5] == ["23.9%", "17.3%", "8.6%", "2.2%"]
    quoted = [
        f"{vgg.total_params:,}",
        f"{first.params:,}",
        "74%",
        "512 × 7 × 7 = 25,088",
        "4,096",
        "60.4 MB",
        "47.8%",
        "0.03%",
        "23.9%",
        "17.3%",
        "8.6%",
        "2.2%",
        "224 × 224",
        "64",
    ]
    for q in quoted:
        assert q in text, q
