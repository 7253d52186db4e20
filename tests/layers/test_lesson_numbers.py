"""Every number chapter 2 quotes, computed by the page's own code and asserted here.

Chapter 3's page tests live in tests/pages/test_ch03.py.

The gallery scripts are run as they are (the English ones; the Korean twins have the same
code, which tests/docs/test_twins.py checks), and their variables are inspected.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest

from layerguide.layers import Linear

GALLERY = Path(__file__).resolve().parents[2] / "gallery"


@pytest.fixture(scope="module")
def run_page():
    """Run a gallery script (English) headless and return its global variables."""
    import matplotlib.pyplot as plt

    pages: dict[str, dict[str, Any]] = {}

    def run(name: str) -> dict[str, Any]:
        if name not in pages:
            with mpl.rc_context():  # the page sets fonts; keep them out of other tests
                mpl.use("Agg")
                try:
                    pages[name] = runpy.run_path(str(GALLERY / "en" / name))
                finally:
                    plt.close("all")
        return pages[name]

    return run


def test_lesson_linear_counts():
    """2 → 3, 3 → 1 and 4 → 1 without bias: 6 + 3 + 4 = 13 (with bias: 9, 4, 5)."""
    counts = [
        sum(p.numel() for p in Linear(i, o, bias=False).parameters())
        for i, o in [(2, 3), (3, 1), (4, 1)]
    ]
    assert counts == [6, 3, 4]
    assert sum(counts) == 13
    assert [
        sum(p.numel() for p in Linear(i, o).parameters()) for i, o in [(2, 3), (3, 1), (4, 1)]
    ] == [9, 4, 5]


def test_chapter_2_linear(run_page):
    page = run_page("plot_02_linear.py")
    assert page["x"].shape == (4, 2)
    assert page["y"].shape == (4, 3)
    assert page["layer"].weight.shape == (3, 2)
    assert page["layer"].output_shape((8, 10, 2)) == (8, 10, 3)
    assert page["counts"] == [6, 3, 4]
    assert page["total"] == 13
    assert [sum(p.numel() for p in lin.parameters()) for lin in page["with_bias"]] == [9, 4, 5]
    assert page["big"] == 6_220_801
    with_bias, without = page["fits"][True], page["fits"][False]
    np.testing.assert_allclose(with_bias.weight.data[0, 0], 2, atol=1e-3)  # y = 2x + 1 exactly
    np.testing.assert_allclose(with_bias.bias.data[0], 1, atol=1e-3)
    np.testing.assert_allclose(without.weight.data[0, 0], 2, atol=1e-3)  # best line through 0
    assert sum(p.numel() for p in page["model"].parameters()) == 1_153
    assert len(page["x_train"]) == 12
    assert len(page["x_held"]) == 200
    train, held = page["train_curve"], page["held_curve"]
    assert len(train) == len(held) == 3000
    # Overfitting, as the page describes it: training loss keeps falling towards zero ...
    assert train[-1] < 0.01 * train[0]
    assert train[-1] < 0.01
    # ... while the held-out loss went down first, then rose well above its minimum.
    best = page["best_step"]
    assert held[best] == min(held)
    assert 0 < best < 1000
    assert held[best] < 0.5 * held[0]
    assert held[-1] > 2 * held[best]
