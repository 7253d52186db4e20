"""Chapter 3 (convolution): every number its prose quotes, as the page computed it, both languages.

The learned-filters section reads the trained autoencoder from the training cache
(``$LAYERGUIDE_CACHE``); on a miss it trains it once (``PAGE_BUDGET``, as chapter 5 does).
Its baseline (the same filters before training, 1,000 untrained layers) and the hidden
kernel recovered by SGD need no cache: they are computed on the page, seeded.
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


def best_cosines(filters: np.ndarray) -> np.ndarray:
    """Each filter's largest |cosine similarity| with a hand-set kernel, computed here."""
    kernels = [np.asarray(k, dtype=float).ravel() for k in KERNELS.values()]
    bank = np.stack([k / np.linalg.norm(k) for k in kernels])
    flat = filters.reshape(len(filters), -1).astype(float)
    return np.abs(flat @ bank.T / np.linalg.norm(flat, axis=1, keepdims=True)).max(axis=1)


@pytest.mark.parametrize("lang", LANGS)
def test_filters_against_a_baseline(page, prose, lang: str) -> None:
    """Trained and initial filters get the same score; untrained layers give its spread."""
    from layerguide.autoencoder import PAGE_BUDGET

    g, text = page(NAME, lang), prose(NAME, lang)
    learned, initial, b = g["learned"], g["initial"], g["baseline"]
    assert learned.shape == (16, 1, 3, 3)
    assert initial.shape == (16, 3, 3)
    assert np.abs(initial).max() <= 1 / 3  # PyTorch's bound for Conv2d(1, 16, 3)
    assert ("16 first-layer filters" if lang == "en" else "첫 층 필터 16개") in text
    assert b.trained_score == pytest.approx(best_cosines(learned[:, 0]).mean(), abs=1e-12)
    assert b.initial_score == pytest.approx(best_cosines(initial).mean(), abs=1e-12)
    assert len(b.draws) == 1000
    assert b.low < b.mean < b.high
    assert b.initial_score > b.mean  # "this layer started above the average"
    assert b.trained_score > b.high  # training moved the score past the 95th percentile
    assert b.as_high == int((b.draws >= b.trained_score).sum()) == 1
    assert b.mean > 0.5  # "by chance alone, a random filter resembles some hand-set kernel"
    edges_before, edges_after = g["edges"]
    assert edges_before > 16 / 2
    assert edges_after - edges_before == 1
    assert b.kept > 16 / 2
    steps = PAGE_BUDGET.steps
    quoted = [
        f"{b.initial_score:.2f}",
        f"{b.trained_score:.2f}",
        f"{b.mean:.2f}",
        f"{b.low:.2f}",
        f"{b.high:.2f}",
        f"{len(b.draws):,}",
        "90%",
    ]
    if lang == "en":
        quoted += [
            f"from {b.initial_score:.2f} to {b.trained_score:.2f}",
            f"only {b.as_high} of the {len(b.draws):,} untrained layers",
            f"{edges_before} of the 16 filters already resembled an edge kernel",
            f"against {edges_after} after",
            f"{b.kept} of the 16 resemble the same kernel",
            f"short training of {steps} steps",
        ]
    else:
        quoted += [
            f"{b.initial_score:.2f}에서 {b.trained_score:.2f}으로",
            f"이만큼 높은 점수를 받은 층은 {b.as_high}개뿐",
            f"16개 가운데 {edges_before}개가 경계 커널",
            f"학습 뒤에는 {edges_after}개",
            f"16개 가운데 {b.kept}개는 학습 전과 후에 가장 닮은 커널이 같습니다",
            f"{steps}단계의 짧은 학습",
        ]
    for q in quoted:
        assert q in text, q


def test_initial_filters_are_where_training_starts() -> None:
    """``initial_filters`` is the model ``train`` builds: on all-zero images the first
    convolution's gradient is zero, so one step leaves its weights where they started."""
    import dataclasses

    from layerguide.autoencoder import PAGE_BUDGET, AutoencoderConfig, train
    from layerguide.lesson.learned import initial_filters

    config = AutoencoderConfig()
    start = initial_filters(config, PAGE_BUDGET)
    zeros = np.zeros((PAGE_BUDGET.batch_size, 1, 28, 28), dtype=np.float32)
    result = train(config, dataclasses.replace(PAGE_BUDGET, steps=1), zeros)
    after_one = result.model.encoder.stages[0].conv.weight.detach().numpy()[:, 0]
    np.testing.assert_allclose(after_one, start, atol=1e-6)
    other_seed = initial_filters(config, dataclasses.replace(PAGE_BUDGET, seed=1))
    assert np.abs(other_seed - start).max() > 0.1


@pytest.mark.parametrize("lang", LANGS)
def test_the_hidden_kernel_is_recovered(page, prose, lang: str) -> None:
    """SGD finds Sobel x from its output alone; torch.optim.SGD takes the same path."""
    from layerguide.layers import Conv2d

    g, text = page(NAME, lang), prose(NAME, lang)
    run, sobel = g["recovery"], KERNELS["sobel_x"]
    assert g["image"].shape == (1, 1, 60, 60)
    assert run.steps == 300
    assert (run.lr, run.momentum) == (0.4, 0.9)
    np.testing.assert_array_equal(run.hidden, sobel)
    np.testing.assert_array_equal(run.kernels[0], Conv2d(1, 1, 3, rng=0).weight.data[0, 0])
    np.testing.assert_allclose(run.kernels[-1], sobel, atol=1e-3)
    assert abs(run.biases[-1]) < 1e-4  # "its bias went to 0"
    np.testing.assert_allclose(
        run.distances, np.linalg.norm((run.kernels - sobel).reshape(301, -1), axis=1), rtol=1e-6
    )
    assert (np.diff(run.losses) > 0).any()  # "the curves wave": momentum overshoots
    assert run.losses[-1] < 1e-6 * run.losses[0]
    # the same training in torch, from the same start
    x = torch.from_numpy(g["image"].astype(np.float64))
    target = F.conv2d(x, torch.from_numpy(sobel.astype(np.float64))[None, None])
    w = torch.tensor(run.kernels[0][None, None], dtype=torch.float64, requires_grad=True)
    bias = torch.tensor([run.biases[0]], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w, bias], lr=0.4, momentum=0.9)
    for step in range(1, 51):
        opt.zero_grad()
        F.mse_loss(F.conv2d(x, w, bias), target).backward()
        opt.step()
        if step in (10, 50):
            np.testing.assert_allclose(run.kernels[step], w[0, 0].detach().numpy(), atol=1e-4)
    d0, d_end = run.distances[0], run.distances[-1]
    for q in (f"{d0:.2f}", f"{d_end:.4f}", "60 × 60", "``Conv2d(1, 1, 3)``"):
        assert q in text, q
    if lang == "en":
        quoted = [f"falls from {d0:.2f} to {d_end:.4f}", f"takes {run.steps} steps"]
        quoted += [f"learning rate {run.lr} and momentum {run.momentum}"]
    else:
        quoted = [f"{d0:.2f}에서 {d_end:.4f}으로", f"{run.steps}단계 학습합니다"]
        quoted += [f"학습률 {run.lr}, 모멘텀 {run.momentum}를 주어"]
    for q in quoted:
        assert q in text, q


@pytest.mark.parametrize("lang", LANGS)
def test_chapter_7_is_named_for_the_channels(prose, lang: str) -> None:
    """Both views of a filter on colour images, and the pointer to chapter 7's demonstration."""
    text = prose(NAME, lang)
    link = "</auto_examples/plot_07_why_convolution>`"
    assert (":doc:`chapter 7 " if lang == "en" else ":doc:`7장 ") + link in text
    assert ("each of the 3 channels" if lang == "en" else "3개 채널 각각에") in text


def test_korean_review_items(prose) -> None:
    """korean-review-2: stride is not 'one cell at a time'; 단계 means a training step only."""
    text = prose(NAME, "ko")
    assert "한 칸씩" not in text
    assert "한 단계씩" not in text
    assert "일정한 간격으로 옮겨 가며" in text


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
