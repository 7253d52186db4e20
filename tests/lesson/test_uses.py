"""lesson.uses (chapter 9's computations) on small synthetic data: no MNIST, no training."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import torch

from layerguide import LayerguideError
from layerguide.autoencoder import AutoencoderConfig, bce_floor, build_autoencoder
from layerguide.lesson import uses

SMALL = (4, 4, 8)
RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def model() -> torch.nn.Module:
    torch.manual_seed(0)
    return build_autoencoder(AutoencoderConfig(channels=SMALL, decoder_channels=(8, 4))).eval()


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    return RNG.random((6, 1, 28, 28), dtype=np.float32)


def test_pca_matches_the_covariance_eigenvectors() -> None:
    x = RNG.standard_normal((200, 5)) @ np.diag([5.0, 3.0, 1.0, 0.5, 0.1]) + 7.0
    p = uses.pca(x, k=3)
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    values, vectors = values[::-1], vectors[:, ::-1]
    np.testing.assert_allclose(p.explained, values[:3] / values.sum())
    for axis, vector in zip(p.axes, vectors.T, strict=False):
        assert abs(abs(axis @ vector) - 1) < 1e-9  # the same direction, sign aside
        assert axis[np.abs(axis).argmax()] > 0  # the sign convention
    np.testing.assert_allclose(p.points, centred @ p.axes.T)
    np.testing.assert_allclose(p.mean, x.mean(axis=0))
    assert np.all(np.diff(p.explained) <= 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: uses.pca(np.ones(5)),
        lambda: uses.pca(np.ones((1, 3))),
        lambda: uses.pca(np.ones((4, 3)), k=4),
        lambda: uses.pca(np.ones((4, 3))),  # no variance
        lambda: uses.nearest_label_agreement(np.ones((3, 2)), [1, 2]),
        lambda: uses.first_of([1, 2, 3], 7),
        lambda: uses.pixel_path(np.zeros((1, 28, 28)), np.ones((1, 28, 28)), steps=1),
        lambda: uses.as_digit(np.zeros((10, 10))),
        lambda: uses.as_digit(np.zeros((40, 40, 2))),
        lambda: uses.stripes(period=1),
        lambda: uses.grey_share(np.zeros((2, 4)), low=0.8, high=0.2),
        lambda: uses.zlib_sizes(np.full((2, 4), 2.0)),
    ],
)
def test_bad_arguments_are_clear_errors(call) -> None:
    with pytest.raises(LayerguideError) as info:
        call()
    assert isinstance(info.value, ValueError)


def test_nearest_label_agreement_by_hand() -> None:
    x = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.5], [10.0, 3.0]])
    # neighbours: 1, 0, 3, 2 (1.5 away, tie with 4 broken by order), 3
    assert uses.nearest_label_agreement(x, [0, 0, 1, 2, 2]) == pytest.approx(3 / 5)


def test_codes_and_paths(model, digits) -> None:
    codes = uses.codes_of(model, digits)
    assert codes.shape == (6, model.config.code_size)
    assert codes.dtype == np.float64
    a, b = digits[0], digits[1]
    path = uses.code_path(model, a, b, steps=5)
    assert path.shape == (5, 1, 28, 28)
    with torch.no_grad():
        ends = torch.sigmoid(model(torch.from_numpy(digits[:2]))).numpy()
    np.testing.assert_allclose(path[[0, -1]], ends, atol=1e-6)  # the ends are reconstructions
    blend = uses.pixel_path(a, b, steps=5)
    np.testing.assert_allclose(blend[[0, -1]], digits[:2])
    np.testing.assert_allclose(blend[2], (a + b) / 2, rtol=1e-6)
    with pytest.raises(LayerguideError, match="max_unpool"):
        uses.code_path(build_autoencoder(AutoencoderConfig(decoder="max_unpool")), a, b)


def test_as_digit_averages_boxes_and_keeps_the_centre() -> None:
    blocks = np.kron(RNG.random((28, 28)), np.ones((3, 3)))  # (84, 84), each value 3 × 3
    framed = np.pad(blocks, ((0, 0), (10, 10)), constant_values=1.0)  # wider: cropped away
    out = uses.as_digit(framed)
    assert out.shape == (1, 1, 28, 28)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0], blocks[::3, ::3], rtol=1e-6)
    colour = np.stack([np.full((56, 56), v, dtype=np.uint8) for v in (0, 51, 255)], axis=2)
    np.testing.assert_allclose(uses.as_digit(colour), (0 + 51 + 255) / 3 / 255, rtol=1e-6)
    box = uses._box_matrix(600, 28)
    np.testing.assert_allclose(box.sum(axis=1), 1.0)
    np.testing.assert_allclose(box.sum(axis=0), 28 / 600)  # every input pixel counted once


def test_stripes_and_grey_share() -> None:
    s = uses.stripes(period=4)
    assert s.shape == (1, 1, 28, 28)
    assert set(np.unique(s).tolist()) == {0.0, 1.0}
    assert s[0, 0, 0, :4].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert s.mean() == 0.5
    assert uses.grey_share(s).tolist() == [0.0]
    assert uses.grey_share(np.full((2, 1, 3, 3), 0.5)).tolist() == [1.0, 1.0]


def test_image_scores_match_the_floor_and_the_losses(model, digits) -> None:
    scores = uses.image_scores(model, digits)
    assert scores.bce.shape == scores.floor.shape == scores.mse.shape == (6,)
    assert scores.output.shape == digits.shape
    for i, image in enumerate(digits):
        assert scores.floor[i] == pytest.approx(bce_floor(image), rel=1e-9)
    assert np.all(scores.bce >= scores.floor)
    np.testing.assert_allclose(scores.mse, ((scores.output - digits) ** 2).mean(axis=(1, 2, 3)))
    binary = uses.image_scores(model, uses.stripes())
    assert binary.floor.tolist() == [0.0]
    assert str(binary.floor[0]) == "0.0"  # not -0.0


def test_zlib_sizes_are_zlibs() -> None:
    images = np.zeros((2, 1, 28, 28))
    images[1] = RNG.random((1, 28, 28))
    sizes = uses.zlib_sizes(images)
    raw = np.round(images[1] * 255).astype(np.uint8).tobytes()
    assert sizes.tolist() == [len(zlib.compress(bytes(784), 9)), len(zlib.compress(raw, 9))]
    assert sizes[0] < 20  # nothing to store
    assert sizes[1] > 700  # noise does not shrink
