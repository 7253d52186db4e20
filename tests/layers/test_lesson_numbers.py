"""Every number chapter 3 quotes, computed by the page's own code and asserted here.

Chapter 2's tests live in tests/pages/test_ch02.py.

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

from layerguide.layers import Conv2d, Flatten, Linear, Sequential

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


def test_lesson_conv_numbers():
    conv = Conv2d(3, 16, 5, stride=5)
    assert conv.weight.numel() == 16 * 3 * 5 * 5 == 1_200
    assert conv.bias is not None
    assert conv.bias.numel() == 16
    assert conv.output_shape((1, 3, 1080, 1920)) == (1, 16, 216, 384)
    model = Sequential(conv, Flatten(), Linear(16 * 216 * 384, 1))
    assert sum(p.numel() for p in model.parameters()) == 1_328_321
    assert 3 * 1080 * 1920 + 1 == 6_220_801


def test_chapter_3_convolution(run_page):
    page = run_page("plot_03_convolution.py")
    assert page["image"].shape == (1, 1, 60, 60)
    shapes = [m.shape[2:] for m in page["maps"]]
    assert shapes == [(58, 58), (60, 60), (30, 30), (20, 20)]
    for (s, p), (h, _) in zip(page["settings"], shapes, strict=True):
        n, k = 60, 3
        assert (n - k + 2 * p + s) // s == (n + 2 * p - k) // s + 1 == h
    assert page["n_weights"] == 1_200
    assert page["n_biases"] == 16
    assert page["n_weights"] + page["n_biases"] == 1_216
    assert page["conv"].output_shape(page["hd"]) == (1, 16, 216, 384)
    assert page["feature_maps"].shape == (1, 16, 216, 384)
    assert page["n_model"] == 1_328_321
    assert page["n_linear_only"] == 6_220_801
    assert 4.5 < page["n_linear_only"] / page["n_model"] < 5  # "almost five times smaller"
    np.testing.assert_array_equal(page["pooled"][0, 0], [[4, 5], [6, 3]])
    np.testing.assert_array_equal(page["indices"][0, 0], [[4, 7], [13, 10]])
    assert page["restored"].shape == (1, 1, 4, 4)
    assert page["restored"].sum() == page["pooled"].sum()
