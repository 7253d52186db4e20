"""layerguide.lesson.transposed: the four ways of computing a transposed convolution agree,
with each other and with torch, for any small setting hypothesis draws; Cᵀ is not an inverse.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from layerguide import LayerguideError
from layerguide.layers import ConvTranspose2d
from layerguide.lesson import transposed
from layerguide.lesson.convnet import window_counts


@st.composite
def layers(draw: st.DrawFn) -> tuple[ConvTranspose2d, np.ndarray]:
    k = draw(st.integers(1, 4))
    s = draw(st.integers(1, 3))
    p = draw(st.integers(0, k - 1))
    op = draw(st.integers(0, s - 1))
    c_in, c_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n = draw(st.integers(1, 4))
    bias = draw(st.booleans())
    layer = ConvTranspose2d(c_in, c_out, k, s, p, op, bias=bias, dtype=np.float64, rng=n)
    x = np.random.default_rng(k * 100 + s).standard_normal((2, c_in, n, n))
    return layer, x


@settings(max_examples=60, deadline=None)
@given(layers())
def test_every_way_gives_the_layers_output(case: tuple[ConvTranspose2d, np.ndarray]) -> None:
    layer, x = case
    try:
        layer.output_shape(x.shape)
    except LayerguideError:
        return  # this size would be empty: nothing to compare
    differences = transposed.max_differences(layer, x)
    assert set(differences) == {"convolution", "backward", "torch"}
    assert max(differences.values()) < 1e-12, differences


def test_as_convolution_shows_its_steps() -> None:
    up = transposed.transposed_layer(np.arange(1.0, 10.0).reshape(3, 3), 2, 1, 1)
    y = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    view = transposed.as_convolution(up, y)
    assert view.inserted[0, 0].tolist() == [[1, 0, 2], [0, 0, 0], [3, 0, 4]]
    assert view.pad == (1, 2)  # k − p − 1 = 1, and output_padding 1 more at the end
    assert view.padded.shape == (1, 1, 6, 6)
    assert view.kernel[0, 0].tolist() == [[9, 8, 7], [6, 5, 4], [3, 2, 1]]
    np.testing.assert_array_equal(view.output, up(y))
    w = torch.from_numpy(up.weight.data)
    expected = torch.conv_transpose2d(torch.from_numpy(y), w, stride=2, padding=1, output_padding=1)
    np.testing.assert_array_equal(view.output, expected.numpy())
    assert (view.stride, view.padding, view.output_padding) == (2, 1, 1)


def test_channels_are_swapped_in_the_convolutions_kernel() -> None:
    layer = ConvTranspose2d(4, 2, 3, stride=2, padding=1, dtype=np.float64, rng=0)
    view = transposed.as_convolution(layer, np.ones((1, 4, 3, 3)))
    assert layer.weight.shape == (4, 2, 3, 3)
    assert view.kernel.shape == (2, 4, 3, 3)
    np.testing.assert_array_equal(view.kernel[1, 3], layer.weight.data[3, 1, ::-1, ::-1])


@pytest.mark.parametrize("k", [3, 4])
def test_overlap_counts_are_chapter_3s_window_counts(k: int) -> None:
    up = transposed.transposed_layer(np.ones((k, k)), stride=2, padding=1, output_padding=k % 2)
    counts = up(np.ones((1, 1, 4, 4)))[0, 0]  # chapter 6's overlap counts, 8 × 8
    np.testing.assert_array_equal(counts, window_counts(8, k, stride=2, padding=1))
    np.testing.assert_array_equal(counts, transposed.as_backward(up, np.ones((1, 1, 4, 4)))[0, 0])


def test_matrix_transpose_is_the_transposed_convolution() -> None:
    kernel = np.arange(1.0, 10.0).reshape(3, 3)
    matrix = transposed.conv_matrix(kernel, 4, stride=2, padding=1)
    assert matrix.shape == (4, 16)
    image = np.random.default_rng(1).random((4, 4))
    w = torch.from_numpy(kernel)[None, None]
    conv = torch.conv2d(torch.from_numpy(image)[None, None], w, stride=2, padding=1)
    np.testing.assert_allclose(matrix @ image.ravel(), conv.numpy().ravel())
    y = np.array([[1.0, 2.0], [3.0, 4.0]])
    up = transposed.transposed_layer(kernel, 2, 1, 1)
    np.testing.assert_allclose((matrix.T @ y.ravel()).reshape(4, 4), up(y[None, None])[0, 0])


def test_round_trip_is_not_the_identity() -> None:
    matrix = transposed.conv_matrix(np.arange(1.0, 10.0).reshape(3, 3), 4, stride=2, padding=1)
    x = np.random.default_rng(2).random((4, 4))
    trip = transposed.round_trip(matrix, x)
    assert trip.rank == 4 == np.linalg.matrix_rank(matrix)
    assert trip.error_back > trip.norm  # Cᵀ(Cx) is far from x
    assert 0 < trip.error_best < trip.norm  # the best guess from Cx still misses
    # C⁺C is the projection onto the row space: C(C⁺Cx) = Cx, and the miss lies in the null space
    np.testing.assert_allclose(matrix @ trip.best.ravel(), matrix @ x.ravel())
    np.testing.assert_allclose(matrix @ (x - trip.best).ravel(), 0, atol=1e-12)
    assert trip.error_best == pytest.approx(np.linalg.norm(x - trip.best))
    # a full-rank square matrix would bring x back exactly
    assert transposed.round_trip(np.eye(16), x).error_best == pytest.approx(0, abs=1e-12)


def test_conv_sizes_two_to_one_and_output_padding_tells_them_apart() -> None:
    from layerguide.lesson.decoders import transposed_size

    sizes = transposed.conv_sizes(range(3, 9), 3, stride=2, padding=1)
    assert sizes == {3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4}
    torch_conv = torch.nn.Conv2d(1, 1, 3, stride=2, padding=1)
    for n, out in sizes.items():
        assert torch_conv(torch.zeros(1, 1, n, n)).shape[-1] == out
    assert [transposed_size(4, 3, 2, 1, op) for op in (0, 1)] == [7, 8]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: transposed.as_convolution("layer", np.ones((1, 1, 2, 2))),  # type: ignore[arg-type]
            "as_convolution",
        ),
        (
            lambda: transposed.as_convolution(
                ConvTranspose2d(1, 1, 3, padding=3, dtype=np.float64), np.ones((1, 1, 5, 5))
            ),
            "negative padding",
        ),
        (
            lambda: transposed.as_backward(
                ConvTranspose2d(2, 1, 3, dtype=np.float64), np.ones((1, 1, 2, 2))
            ),
            "as_backward",
        ),
        (lambda: transposed.zero_insert(np.ones((2, 2)), 2), "zero_insert"),
        (lambda: transposed.conv_matrix(np.ones((2, 3)), 4), "conv_matrix"),
        (lambda: transposed.conv_matrix(np.ones((7, 7)), 4, padding=1), "conv_matrix"),
        (lambda: transposed.round_trip(np.ones((4, 16)), np.ones(9)), "round_trip"),
        (lambda: transposed.transposed_layer(np.ones((2, 3))), "transposed_layer"),
    ],
)
def test_bad_input_is_a_clear_error(call, message: str) -> None:
    with pytest.raises(LayerguideError, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)
