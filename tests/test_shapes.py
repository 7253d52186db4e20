"""Numbers quoted by the data-shapes chapter (gallery/*/plot_01_data_shapes.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import cbook

from layerguide.shapes import Video, chw_to_hwc, format_bytes, hwc_to_chw, nbytes, numel


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    return plt.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))


def test_photo_numbers(photo: np.ndarray) -> None:
    assert photo.shape == (600, 512, 3)
    assert photo.dtype == np.uint8
    assert hwc_to_chw(photo).shape == (3, 600, 512)
    assert numel(photo.shape[:2]) == 307_200  # "600 × 512 = 307,200 grey values"
    assert numel((4, 3, 600, 512)) == 3_686_400  # the batch of four


def test_layout_round_trip_keeps_every_value(photo: np.ndarray) -> None:
    chw = hwc_to_chw(photo)
    assert chw[0, 100, 200] == photo[100, 200, 0]
    np.testing.assert_array_equal(chw_to_hwc(chw), photo)


def test_movie_numbers() -> None:
    movie = Video(width=1280, height=1024, fps=30, minutes=90, channels=1)
    assert movie.frames == 162_000
    assert movie.shape("TCHW") == (162_000, 1, 1024, 1280)
    # The lesson wrote (T, C, 1280, 1024): width before height.
    assert (movie.frames, movie.channels, movie.width, movie.height) == (162_000, 1, 1280, 1024)
    assert movie.numel == 212_336_640_000
    assert movie.nbytes("uint8") == 212_336_640_000
    assert movie.nbytes("float32") == 849_346_560_000 == 4 * movie.nbytes("uint8")
    assert format_bytes(movie.nbytes("uint8")) == "212.3 GB (197.8 GiB)"  # "about 212 GB"
    assert format_bytes(movie.nbytes("float32")) == "849.3 GB (791.0 GiB)"


def test_sizes_never_allocate() -> None:
    # Far beyond any machine's memory: pure arithmetic.
    assert nbytes((10**9, 10**9), "float64") == 8 * 10**18


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width": 0, "height": 1024, "fps": 30, "minutes": 90}, "width must be a positive int"),
        ({"width": 1280, "height": 1024, "fps": 30.0, "minutes": 90}, "fps must be a positive int"),
    ],
)
def test_video_rejects_bad_sizes(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Video(**kwargs)


def test_bad_inputs_name_the_function() -> None:
    with pytest.raises(ValueError, match=r"hwc_to_chw: image must have 3 axes .* \(4, 4\)"):
        hwc_to_chw(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="numel: shape must hold non-negative ints"):
        numel((3, -1))
    with pytest.raises(ValueError, match="layout must be a permutation of 'TCHW'"):
        Video(width=2, height=2, fps=1, minutes=1).shape("TCHH")
    with pytest.raises(ValueError, match="format_bytes: n must be >= 0, got -1"):
        format_bytes(-1)
