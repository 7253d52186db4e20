"""Chapter 2 (Linear): every number its prose quotes is what its code computed, in both languages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from layerguide import trace
from layerguide.layers import Linear, ReLU, Sequential, manual_seed
from layerguide.lesson import linear as lesson

NAME = "plot_02_linear.py"
LANGS = ["en", "ko"]


@pytest.mark.parametrize("lang", LANGS)
def test_shapes_of_the_first_layer(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    assert g["x"].shape == (4, 2)  # one quadrilateral: four (x, y) points, not a batch (E7)
    assert g["y"].shape == (4, 3)
    assert g["layer"].weight.shape == (3, 2)  # (out, in), PyTorch's order
    np.testing.assert_allclose(g["by_hand"], g["y"][0], rtol=1e-6)
    assert g["layer"].output_shape((8, 10, 2)) == (8, 10, 3)
    assert "(8, 10, 2)" in text
    assert "(8, 10, 3)" in text
    assert "batch of 4 examples" not in text
    assert "예제 4개" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_two_quadrilaterals_in_numpy_and_torch(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    assert set(g["values"]) == set(lesson.QUADRILATERALS) == {"A", "B"}
    for name, value in g["values"].items():
        assert value == pytest.approx(g["values_torch"][name], abs=1e-6)
    assert g["values"]["A"] != pytest.approx(g["values"]["B"])
    shapes = [row.output_shape for row in trace(g["two_step"], (4, 2)).rows]
    assert shapes == [(4, 1), (1, 4), (1, 1)]
    assert [w.shape for w in g["two_step"].parameters()] == [(1, 2), (1, 4)]
    for quoted in ["(4, 2) → (4, 1)", "(4, 1) → (1, 1)", "(4, 1) → (1, 4)", "(1, 2)", "(1, 4)"]:
        assert quoted in text


@pytest.mark.parametrize("lang", LANGS)
def test_richer_network_has_13_parameters_18_with_bias(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    assert g["counts"] == [6, 3, 4]
    assert g["total"] == 13
    assert len(g["weights"]) == 3  # three weights (matrices) holding 13 parameters (entries)
    assert g["counts_bias"] == [9, 4, 5]
    assert g["total_bias"] == 18
    rows = trace(g["richer"], (4, 2)).rows
    assert [r.output_shape for r in rows] == [(4, 3), (4, 1), (1, 4), (1, 1)]
    torch_rows = trace(lesson.richer_network_torch(g["richer"]), (4, 2)).rows
    assert [r.output_shape for r in torch_rows] == [r.output_shape for r in rows]
    assert sum(r.params for r in torch_rows) == g["total"]
    assert "2×3 + 3×1 + 4×1 = 13" in text
    assert "6 + 3, 3 + 1" in text
    assert "4 + 1" in text
    assert (
        "13 parameters (18 with biases)"
        if lang == "en"
        else "파라미터 13개가 있습니다(편향까지 18개)"
    ) in text
    assert g["big"] == 6_220_801 == 3 * 1080 * 1920 + 1
    assert "6,220,800" in text


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_activation_the_richer_network_is_one_rank_1_map(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    w1, w2, w3 = (w.data for w in g["weights"])
    assert (w1.shape, w2.shape, w3.shape) == ((3, 2), (1, 3), (1, 4))
    assert (w2 @ w1).shape == (1, 2)  # the first two layers are one Linear(2, 1)
    np.testing.assert_allclose(g["product"], w3.T @ (w2 @ w1), rtol=1e-6)
    assert g["product"].shape == (4, 2)
    assert g["rank"] == 1 == np.linalg.matrix_rank(g["product"])
    assert set(g["same"]) == {"A", "B"}
    for net_value, map_value in g["same"].values():
        assert net_value == pytest.approx(map_value, rel=1e-5)
    rng = np.random.default_rng(0)  # not only the two quadrilaterals: any (4, 2) input
    for q in rng.standard_normal((5, 4, 2)).astype(np.float32):
        assert float(g["richer"](q)[0, 0]) == pytest.approx(
            float((g["product"] * q).sum()), abs=1e-5
        )
    assert sum(p.numel() for p in g["two_step"].parameters()) == 6
    assert g["total"] == 13
    for quoted in ["W₁ (3, 2)", "W₂ (1, 3)", "(1, 2)", "W₃ (1, 4)", "4 × 2", "M = W₃ᵀ(W₂W₁)"]:
        assert quoted in text
    if lang == "en":
        assert "Its rank is 1" in text
        assert "Whatever the 13 parameters compute, the 6 parameters" in text
    else:
        assert "M의 랭크는 1입니다" in text
        assert (
            "파라미터 13개로 계산하는 것은 무엇이든 가중치 두 개짜리 신경망의 파라미터 6개로도"
            in text
        )


@pytest.mark.parametrize("lang", LANGS)
def test_a_relu_network_fits_what_no_linear_layer_can(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    np.testing.assert_array_equal(g["x_xor"], lesson.QUADRILATERALS["A"])
    np.testing.assert_array_equal(g["y_xor"].ravel(), [0, 1, 0, 1])  # 0 where x = y
    best = g["fitted"]["linear"]
    np.testing.assert_allclose(best(g["x_xor"]).ravel(), 0.5, atol=1e-12)
    assert g["mse"]["linear"] == pytest.approx(0.25, abs=1e-12)
    # least squares is the minimum: no other linear layer, random or trained, does better
    rng = np.random.default_rng(1)
    for _ in range(200):
        w, b = rng.normal(size=(2, 1)), rng.normal()
        assert float(np.mean((g["x_xor"] @ w + b - g["y_xor"]) ** 2)) >= 0.25
    manual_seed(0)
    trained = Linear(2, 1).to(np.float64)
    run = lesson.fit(trained, (g["x_xor"], g["y_xor"]) * 2, g["x_xor"], steps=1000, lr=0.05)
    assert run.held[-1] >= 0.25 - 1e-9
    relu = g["fitted"]["relu"]
    assert [type(m).__name__ for m in relu.layers] == ["Linear", "ReLU", "Linear"]
    assert relu.layers[0].out_features == 8
    assert len(g["xor_run"].train) == 1000
    assert g["mse"]["relu"] < 0.001
    assert g["mse"]["relu"] == pytest.approx(g["xor_run"].held[-1])
    # "with 3 values in the middle, training gets stuck from some random starts"
    stuck = 0
    for seed in range(10):
        manual_seed(seed)
        narrow = Sequential(Linear(2, 3), ReLU(), Linear(3, 1)).to(np.float64)
        fit3 = lesson.fit(narrow, (g["x_xor"], g["y_xor"]) * 2, g["x_xor"], steps=1000, lr=0.05)
        stuck += fit3.held[-1] > 0.1
    assert 0 < stuck < 10
    for quoted in ["x = y", "XOR", "Linear(2, 1)", "0.5", "0.25", "0.001", "1000"]:
        assert quoted in text
    if lang == "en":
        assert "with 8 values in the middle" in text
        assert "With 3 values in the middle" in text
    else:
        assert "가운데 값을 8개로 하면" in text
        assert "가운데 값이 3개이면" in text


@pytest.mark.parametrize("lang", LANGS)
def test_random_start_then_training(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    snaps = g["snapshots"]
    assert list(snaps) == [0, 1, 3, 10, 200]
    w0, b0 = snaps[0]
    assert abs(w0 - 2) > 0.5
    assert abs(b0 - 1) > 0.5
    errors = [abs(w - 2) + abs(b - 1) for w, b in snaps.values()]
    assert errors == sorted(errors, reverse=True)  # training moves it closer at every snapshot
    assert g["w_bias"] == pytest.approx(2, abs=1e-3)  # "found w = 2 and b = 1"
    assert g["b_bias"] == pytest.approx(1, abs=1e-3)
    assert g["w_zero"] == pytest.approx(2, abs=1e-3)  # best line through the origin
    assert "w = 2" in text
    assert "b = 1" in text
    assert "21" in text


@pytest.mark.parametrize("lang", LANGS)
def test_small_and_large_model(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    (small, n_small), (large, n_large) = ((g["runs"][k], g["sizes"][k]) for k in g["models"])
    assert (n_small, n_large) == (10, 1_153)
    assert "1,153" in text
    assert ("10 parameters" if lang == "en" else "파라미터 10개") in text
    x_train, _, x_held, _ = g["data"]
    assert (len(x_train), len(x_held)) == (12, 200)
    assert len(large.train) == len(large.held) == 3000
    # The large model overfits: training loss almost zero, held-out loss rises after its low.
    assert large.train[-1] < 0.01 * large.train[0]
    assert large.train[-1] < 0.01
    assert large.held[large.best_step] == min(large.held)
    assert large.held[-1] > 1.3 * min(large.held)
    # The small one cannot bend that much: its training loss stays above the noise level
    # (noise of standard deviation 0.25, so 0.25² is what a perfect sine would score) ...
    assert small.train[-1] > 10 * large.train[-1]
    assert small.train[-1] > 0.25**2
    assert small.held[-1] / min(small.held) < large.held[-1] / min(large.held)
    assert g["results"].column(g["results"].header[1]) == [n_small, n_large]


@pytest.mark.parametrize("lang", LANGS)
def test_keras_table_ties_back_to_chapter_1(page, lang: str) -> None:
    rows = {r[0]: r[2:] for r in lesson.keras_pytorch_pairs()}
    assert rows["Dense(3, use_bias=True)"] == ((2, 3), (3, 2))
    assert rows["(N, H, W, C)"] == ((4, 600, 512, 3), (4, 3, 600, 512))
    ch1 = page("plot_01_data_shapes.py", lang)
    assert tuple(ch1["batch"].shape) == rows["(N, H, W, C)"][1]


def test_transpose_layer_round_trip() -> None:
    t = lesson.Transpose()
    x = np.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(t(x), x.T)
    np.testing.assert_array_equal(t.backward(np.ones((2, 4))), np.ones((4, 2)))
    with pytest.raises(ValueError, match="at least 2 axes"):
        t.output_shape((4,))


def test_lesson_network_matches_torch_with_gradients() -> None:
    net = lesson.richer_network(bias=True).to(np.float64)
    twin = lesson.richer_network_torch(net).double()
    q = lesson.QUADRILATERALS["B"].astype(np.float64)
    out = net(q)
    q_t = torch.from_numpy(q).requires_grad_(True)
    out_t = twin(q_t)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-12)
    grad_in = net.backward(np.ones_like(out))
    (grad_t,) = torch.autograd.grad(out_t.sum(), q_t)
    np.testing.assert_allclose(grad_in, grad_t.numpy(), rtol=1e-12)
    assert isinstance(net.layers[0], Linear)


def test_collapsed_weight_is_the_network_and_refuses_what_does_not_collapse() -> None:
    manual_seed(3)
    for net in (lesson.richer_network(), lesson.two_step_network()):
        m = lesson.collapsed_weight(net)
        assert m.shape == (4, 2)
        assert np.linalg.matrix_rank(m) == 1
        q = lesson.QUADRILATERALS["B"]
        assert float(net(q)[0, 0]) == pytest.approx(float((m * q).sum()), abs=1e-6)
    with pytest.raises(ValueError, match="has a bias"):
        lesson.collapsed_weight(lesson.richer_network(bias=True))
    with pytest.raises(ValueError, match="only Linear and Transpose"):
        lesson.collapsed_weight(Sequential(Linear(2, 3), ReLU(), Linear(3, 1)))
    with pytest.raises(ValueError, match="end in 1 value"):
        lesson.collapsed_weight(
            Sequential(Linear(2, 3, bias=False), lesson.Transpose(), Linear(4, 1, bias=False))
        )


def test_least_squares_linear_is_exact_and_checks_shapes() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 4.0  # an exact affine map: recovered exactly
    layer = lesson.least_squares_linear(x, y)
    np.testing.assert_allclose(layer.weight.data, [[1.0, -2.0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(layer(x), y, atol=1e-12)
    with pytest.raises(ValueError, match=r"\(N, in\) and \(N, out\)"):
        lesson.least_squares_linear(x, y.ravel())
    assert lesson.parameter_counts(lesson.richer_network()) == [6, 3, 4]
