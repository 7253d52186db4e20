"""Chapter 3 (convolution): every number its prose quotes, as the page computed it, both languages.

The learned-filters section reads the trained autoencoder from the training cache
(``$LAYERGUIDE_CACHE``); on a miss it trains it once (``PAGE_BUDGET``, as chapter 5 does).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerguide.lesson.convnet import KERNELS
from layerguide.viz import Table

NAME = "plot_03_convolution.py"
LANGS = ("en", "ko")


def minus(text: str) -> str:
    """Numbers as the prose writes them: a real minus sign (U+2212)."""
    return text.replace("-", "−")


@pytest.mark.parametrize("lang", LANGS)
def test_sizes_and_the_two_formulas(page, lang: str) -> None:
    g = page(NAME, lang)
    assert g["image"].shape == (1, 1, 60, 60)
    assert [m.shape[2:] for m in g["maps"]] == [(58, 58), (60, 60), (30, 30), (20, 20)]
    assert len(g["rows"]) == 8
    for n, stride, padding, dilation, p_h, d2l, pytorch, h_out in g["rows"]:
        assert p_h == 2 * padding
        assert d2l == pytorch == h_out
        torch_out = F.conv2d(
            torch.zeros(1, 1, n, n),
            torch.zeros(1, 1, 3, 3),
            stride=stride,
            padding=padding,
            dilation=dilation,
        )
        assert torch_out.shape[2] == h_out
    assert [r[0] for r in g["rows"]] == [60] * 4 + [4] * 4
    assert [tuple(r[1:3]) for r in g["rows"][:4]] == g["settings"]  # the photo's settings


@pytest.mark.parametrize("lang", LANGS)
def test_the_formula_has_the_animations_dilation(page, prose, lang: str) -> None:
    """The animation's dilated sweep gives 2 outputs a side; the formula without d says 4."""
    from layerguide.viz.animate import convolution_records
    from layerguide.viz.animate.conv import CONV_INPUT, CONV_KERNEL, CONV_SETTINGS

    g, text = page(NAME, lang), prose(NAME, lang)
    assert g["cases"][4:] == [(4, *c) for c in CONV_SETTINGS]
    assert {c[1] for c in g["cases"]} == {3}  # every kernel is 3 × 3, as the caption says
    n, stride, padding, dilation, _, _, _, h_out = g["rows"][-1]
    assert (n, stride, padding, dilation) == (4, 1, 1, 2)
    assert g["k_d"] == 5
    assert h_out == 2
    assert g["without_d"] == 4
    # what the animation draws for that setting: a 2 × 2 output
    (dilated,) = {
        r["layer_output"].shape
        for r in convolution_records(CONV_INPUT, CONV_KERNEL, [CONV_SETTINGS[-1]])
    }
    assert dilated == (h_out, h_out)
    expression = f"⌊({n} + {2 * padding} − 2 · {dilation} − 1) / {stride}⌋ + 1 = {h_out}"
    assert (n + 2 * padding - 2 * dilation - 1) // stride + 1 == h_out  # 2 · d is d(k − 1)
    for q in (
        "⌊(n + 2 · padding − d(k − 1) − 1) / s⌋ + 1",
        "k′ = d(k − 1) + 1",
        f"k′ = {g['k_d']}",
        expression,
        f"{h_out} × {h_out}",
        "(3, 1, 0, 1), (3, 1, 1, 1), (3, 2, 1, 1)",
    ):
        assert q in text, q
    assert (
        f"predicts {g['without_d']}" if lang == "en" else f"{g['without_d']}가 나옵니다"
    ) in text


@pytest.mark.parametrize("lang", LANGS)
def test_one_pixel_by_hand_is_the_layers_value(page, lang: str) -> None:
    g = page(NAME, lang)
    r, c = g["r"], g["c"]
    layer = g["maps"][0][0, 0, r, c]
    np.testing.assert_allclose(g["by_hand"], layer, rtol=1e-6)
    assert abs(layer) == np.abs(g["maps"][0]).max()  # "the strongest response"
    reference = F.conv2d(torch.from_numpy(g["image"]), torch.tensor(KERNELS["sobel_x"])[None, None])
    np.testing.assert_allclose(reference[0, 0, r, c].item(), layer, rtol=1e-5)


@pytest.mark.parametrize("lang", LANGS)
def test_padding_border_lines(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    right1, left1, right2 = (float(v) for v in g["border"].values())
    assert right1 < 0 < left1
    assert abs(right1) > abs(left1)
    assert abs(right2) < 0.1 * abs(right1)  # stride 2 never reaches the right zero column
    for quoted in (f"{right1:.2f}", f"{left1:+.2f}", f"{right2:+.2f}"):
        assert minus(quoted) in text, quoted
    # windows start at 0, 2, ..., 58 of the 62-wide padded input
    assert list(range(0, 62 - 3 + 1, 2))[-1] == 58
    assert g["maps"][2].shape[3] == len(range(0, 62 - 3 + 1, 2))


def brute_force_counts(size: int, k: int, padding: int) -> np.ndarray:
    counts = np.zeros((size + 2 * padding,) * 2)
    for i in range(size + 2 * padding - k + 1):
        for j in range(size + 2 * padding - k + 1):
            counts[i : i + k, j : j + k] += 1
    return counts[padding : padding + size, padding : padding + size]


@pytest.mark.parametrize("lang", LANGS)
def test_padding_lets_the_edges_count(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    no_pad, pad = g["counts"]
    np.testing.assert_array_equal(no_pad, brute_force_counts(8, 3, 0))
    np.testing.assert_array_equal(pad, brute_force_counts(8, 3, 1))
    corner0, inner, corner1, edge1 = no_pad[0, 0], no_pad[4, 4], pad[0, 0], pad[0, 1:-1]
    assert (corner0, inner, corner1) == (1, 9, 4)
    assert set(edge1) == {6}
    quoted = {
        "en": ["8 × 8 input", "corner pixel once", "9 times", "in 4 windows", "edge pixel in 6"],
        "ko": ["8 × 8 입력", "창 1개에", "창 9개에", "창 4개에", "창 6개에"],
    }
    for q in quoted[lang]:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_kernel_gallery(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    assert g["gallery"].weight.shape == (8, 1, 3, 3)
    assert "(8, 1, 3, 3)" in text
    assert "160 × 160" in text
    assert g["results"].shape == (1, 8, 160, 160)
    names = list(KERNELS)
    np.testing.assert_allclose(
        g["results"][0, names.index("identity")], g["photo160"][0, 0], rtol=1e-6
    )
    for blur in ("box_blur", "gaussian_blur"):
        assert KERNELS[blur].sum() == pytest.approx(1)  # "their numbers sum to 1"
    expected = F.conv2d(
        torch.from_numpy(g["photo160"].astype(np.float32)),
        torch.from_numpy(np.stack(list(KERNELS.values()))[:, None]),
        padding=1,
    )
    np.testing.assert_allclose(g["results"], expected.numpy(), atol=1e-5)


@pytest.mark.parametrize("lang", LANGS)
def test_learned_filters(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    learned, likeness = g["learned"], g["likeness"]
    assert learned.shape == (16, 1, 3, 3)
    assert ("16 first-layer filters" if lang == "en" else "첫 층 필터 16개") in text
    edges = [n for n, _ in likeness if n in ("sobel_x", "sobel_y", "emboss")]
    blurs = [n for n, _ in likeness if n in ("box_blur", "gaussian_blur")]
    assert len(edges) > len(likeness) / 2  # "most ... find edges in one direction"
    assert len(blurs) >= 2  # "a few resemble a blur"
    for (name, cos), w in zip(likeness, learned[:, 0], strict=True):
        k = KERNELS[name].ravel()
        assert cos == pytest.approx(
            w.ravel() @ k / np.linalg.norm(w) / np.linalg.norm(k), abs=0.006
        )


@pytest.mark.parametrize("lang", LANGS)
def test_parameters_and_the_hd_image(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    conv = g["conv"]
    assert conv.weight.shape == (16, 3, 5, 5)  # PyTorch's order (out, in, kH, kW)
    assert g["n_weights"] == 16 * 3 * 5 * 5 == 3 * 16 * 5 * 5 == 1_200
    assert g["n_biases"] == 16
    for q in (
        "(16, 3, 5, 5)",
        "3 × 16 × 5 × 5",
        f"{g['n_weights']:,}",
        f"{g['n_weights'] + g['n_biases']:,}",
        "216 × 384",
        "1080 × 1920",
    ):
        assert q in text, q
    assert conv.output_shape(g["HD_FRAME"]) == g["feature_maps"].shape == (1, 16, 216, 384)
    assert g["n_model"] == 1_328_321
    assert g["n_linear_only"] == 6_220_801
    assert f"{g['n_linear_only']:,}" in text
    assert 4.5 < g["n_linear_only"] / g["n_model"] < 5  # "almost five times smaller"


@pytest.mark.parametrize("lang", LANGS)
def test_max_pooling(page, lang: str) -> None:
    g = page(NAME, lang)
    np.testing.assert_array_equal(g["pooled"][0, 0], [[4, 5], [6, 3]])
    np.testing.assert_array_equal(g["indices"][0, 0], [[4, 7], [13, 10]])
    _, torch_idx = F.max_pool2d(torch.from_numpy(g["x"]), 2, return_indices=True)
    np.testing.assert_array_equal(g["indices"], torch_idx.numpy())
    assert g["restored"].shape == (1, 1, 4, 4)
    assert g["restored"].sum() == g["pooled"].sum()


@pytest.mark.parametrize("lang", LANGS)
def test_formula_table_is_a_table_in_the_readers_language(page, lang: str) -> None:
    from layerguide.viz import conv_formula_table

    g = page(NAME, lang)
    table = conv_formula_table(3, g["rows"], lang=lang)
    assert isinstance(table, Table)
    header = " ".join(table.header)
    assert ("한쪽 패딩" if lang == "ko" else "padding (per side)") in header
    assert ("팽창 d" if lang == "ko" else "dilation d") in header
    assert "d(k − 1)" in header
    assert [row[-1] for row in table.rows][-1] == 2  # the dilated sweep
    assert ("스트라이드" in header) == (lang == "ko")
    assert '<td class="lg-num">' in table.to_html()


@pytest.mark.parametrize("lang", LANGS)
def test_kernel_gallery_matches_torch_as_the_prose_says(page, prose, lang: str) -> None:
    """The page compares its NumPy kernel gallery with ``torch.nn.Conv2d`` (same weights)."""
    from layerguide.torch_twin import max_difference, torch_twin

    g = page(NAME, lang)
    twin = torch_twin(g["gallery"])
    assert isinstance(twin, torch.nn.Conv2d)
    assert (twin.in_channels, twin.out_channels, twin.padding) == (1, 8, (1, 1))
    assert max_difference(g["gallery"], g["photo160"]) < 1e-5  # float32 rounding only
    quoted = "the largest difference between the two" if lang == "en" else "두 결과의 최대 차이"
    assert quoted in prose(NAME, lang)
