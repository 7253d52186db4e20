"""Chapter 3's "filters are learned": the baseline score, the hidden-kernel run, their figures."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
import torch
from matplotlib.text import Text

from layerguide import LayerguideError
from layerguide.kernels import grey_photo
from layerguide.layers import Conv2d
from layerguide.lesson.convnet import KERNELS, kernel_cosines, nearest_kernels
from layerguide.lesson.learned import (
    filter_baseline,
    filter_score,
    recover_kernel,
    untrained_scores,
)
from layerguide.viz import show_filter_baseline, show_kernel_recovery


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib.pyplot as plt

    with mpl.rc_context():
        mpl.use("Agg")
        yield
        plt.close("all")


def labels(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def test_cosines_ignore_scale_and_keep_the_sign() -> None:
    bank = np.stack([KERNELS["sobel_x"], -3 * KERNELS["sobel_y"]])
    cos = kernel_cosines(bank)
    names = list(KERNELS)
    assert cos[0, names.index("sobel_x")] == pytest.approx(1)
    assert cos[1, names.index("sobel_y")] == pytest.approx(-1)
    assert cos[0, names.index("sobel_y")] == pytest.approx(0)  # x and y edges are orthogonal
    with pytest.raises(ValueError, match=r"kernel_cosines: .*\(2, 2, 2\)"):
        kernel_cosines(np.zeros((2, 2, 2)))


def test_score_is_the_mean_best_absolute_cosine() -> None:
    rng = np.random.default_rng(1)
    filters = rng.standard_normal((5, 3, 3))
    best = [abs(c) for _, c in nearest_kernels(filters)]  # rounded to 2 decimals
    assert filter_score(filters) == pytest.approx(np.mean(best), abs=0.005)
    assert filter_score(7 * filters) == pytest.approx(filter_score(filters))


def test_untrained_draws_are_pytorchs_initialisation_and_seeded() -> None:
    a, b = untrained_scores(50, seed=3), untrained_scores(50, seed=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, untrained_scores(50, seed=4))
    assert ((a > 0) & (a <= 1)).all()
    # the same bound as torch.nn.Conv2d(1, 16, 3): U(-1/3, 1/3)
    ours = Conv2d(1, 16, 3, rng=0).weight.data
    theirs = torch.nn.Conv2d(1, 16, 3).weight.detach().numpy()
    for w in (ours, theirs):
        assert np.abs(w).max() <= 1 / 3
        assert np.abs(w).max() > 0.3
    with pytest.raises(ValueError, match="untrained_scores: draws and filters must be >= 1"):
        untrained_scores(0)


def test_baseline_counts() -> None:
    initial = np.stack([KERNELS["sobel_x"], KERNELS["box_blur"], KERNELS["laplacian"]])
    trained = np.stack([-KERNELS["sobel_x"], KERNELS["sobel_y"], KERNELS["emboss"]])
    b = filter_baseline(initial, trained, draws=100, seed=0)
    assert b.nearest("initial") == ["sobel_x", "box_blur", "laplacian"]
    assert b.kept == 1  # only the first filter keeps its nearest kernel (its sign flipped)
    assert (b.resembling("initial"), b.resembling("trained")) == (1, 3)
    assert b.trained_score == pytest.approx(1)
    assert b.as_high == 0
    assert b.low <= np.median(b.draws) <= b.high
    with pytest.raises(ValueError, match="which must be 'initial' or 'trained'"):
        b.nearest("after")
    with pytest.raises(ValueError, match="filter_baseline: initial"):
        filter_baseline(initial, trained[:2])


def test_recovery_finds_the_hidden_kernel_and_is_deterministic() -> None:
    image = grey_photo(60)[None, None]
    run = recover_kernel(image, KERNELS["laplacian"], steps=300)
    again = recover_kernel(image, KERNELS["laplacian"], steps=300)
    np.testing.assert_array_equal(run.kernels, again.kernels)
    assert run.kernels.shape == (301, 3, 3)
    assert run.distances[-1] < 1e-2 * run.distances[0]
    np.testing.assert_allclose(run.kernels[-1], KERNELS["laplacian"], atol=1e-2)
    slow = recover_kernel(image, KERNELS["laplacian"], steps=300, momentum=0.0)
    assert slow.distances[-1] > 10 * run.distances[-1]  # momentum is what makes 300 steps enough


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": np.zeros((1, 2, 8, 8)), "hidden": KERNELS["sobel_x"]}, "image must be"),
        ({"image": np.zeros((1, 1, 8, 8)), "hidden": np.zeros((2, 2))}, "hidden"),
        ({"image": np.zeros((1, 1, 8, 8)), "hidden": KERNELS["sobel_x"], "steps": 0}, "steps"),
    ],
)
def test_recovery_checks_its_arguments(kwargs, message) -> None:
    with pytest.raises(LayerguideError, match=f"recover_kernel: .*{message}"):
        recover_kernel(**kwargs)


def test_figures_show_the_numbers() -> None:
    initial = np.stack([KERNELS["sobel_x"], KERNELS["box_blur"]])
    b = filter_baseline(initial, 2 * initial, draws=30)
    text = labels(show_filter_baseline(b, 320, lang="en"))
    for q in ("After 320 training steps", f"{b.mean:.2f}", f"{b.low:.2f}–{b.high:.2f}", "30"):
        assert q in text, q
    run = recover_kernel(grey_photo(60)[None, None], KERNELS["sobel_x"], steps=20)
    fig = show_kernel_recovery(run, "sobel_x", (0, 5), lang="ko")
    text = labels(fig)
    for q in ("0단계", "5단계", "20단계", "x 방향 소벨", "학습률 0.4", "모멘텀 0.9"):
        assert q in text, q
    assert "-0.00" not in text


@pytest.mark.parametrize(
    "call",
    [
        lambda run: show_kernel_recovery(run, "sobel_z"),
        lambda run: show_kernel_recovery(run, "sobel_x", (0, 99)),
        lambda run: show_kernel_recovery(run, "sobel_x", lang="fr"),
    ],
)
def test_recovery_figure_checks_its_arguments(call) -> None:
    run = recover_kernel(grey_photo(30)[None, None], KERNELS["sobel_x"], steps=3)
    with pytest.raises(LayerguideError, match="show_kernel_recovery: "):
        call(run)
