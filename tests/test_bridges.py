"""layerguide.lesson.bridges: each bridge checked against PyTorch and against hand counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from layerguide.errors import ArgumentError
from layerguide.layers import Conv2d, Flatten, Linear, Sequential
from layerguide.lesson.bridges import (
    channel_patch,
    channel_sums,
    equivariance,
    linear_as_conv,
    linear_at_every_pixel,
    parameter_bill,
    pointwise_linear,
)


def _torch_conv(conv: Conv2d, x: np.ndarray) -> np.ndarray:
    bias = None if conv.bias is None else torch.from_numpy(conv.bias.data)
    out = F.conv2d(torch.from_numpy(x), torch.from_numpy(conv.weight.data), bias, conv.stride)
    return out.numpy()


@settings(max_examples=25, deadline=None)
@given(
    c_in=st.integers(1, 4),
    k=st.integers(1, 4),
    stride=st.integers(1, 3),
    extra=st.integers(0, 6),
    data=st.data(),
)
def test_channel_sums_plus_bias_is_the_output(c_in, k, stride, extra, data) -> None:
    conv = Conv2d(c_in, 3, k, stride=stride, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((1, c_in, k + extra, k + extra + 1))
    out = _torch_conv(conv, x)
    row = data.draw(st.integers(0, out.shape[2] - 1))
    col = data.draw(st.integers(0, out.shape[3] - 1))
    o = data.draw(st.integers(0, 2))
    sums = channel_sums(conv, x, o, row, col)
    assert sums.shape == (c_in,)
    assert conv.bias is not None
    assert sums.sum() + conv.bias.data[o] == pytest.approx(out[0, o, row, col], abs=1e-12)
    patch = channel_patch(conv, x, row, col)
    assert patch.shape == (c_in, k, k)
    np.testing.assert_array_equal(patch[0, 0, 0], x[0, 0, row * stride, col * stride])


def test_channel_sums_refuses_what_it_does_not_teach() -> None:
    x = np.zeros((1, 3, 8, 8))
    with pytest.raises(ArgumentError, match=r"channel_patch: conv must .* padding=\(1, 1\)"):
        channel_sums(Conv2d(3, 2, 3, padding=1), x, 0, 0, 0)
    with pytest.raises(ArgumentError, match=r"channel_patch: .* \(row, col\) = \(6, 0\)"):
        channel_patch(Conv2d(3, 2, 3), x, 6, 0)
    with pytest.raises(ArgumentError, match=r"channel_sums: out_channel must be in 0 … 1, got 2"):
        channel_sums(Conv2d(3, 2, 3), x, 2, 0, 0)


@pytest.mark.parametrize("bias", [True, False])
def test_a_one_by_one_convolution_is_a_linear_at_every_pixel(bias: bool) -> None:
    conv = Conv2d(5, 3, 1, bias=bias, rng=2, dtype=np.float64)
    linear = pointwise_linear(conv.weight.data, None if conv.bias is None else conv.bias.data)
    assert (linear.in_features, linear.out_features) == (5, 3)
    assert (linear.bias is None) == (not bias)
    x = np.random.default_rng(3).standard_normal((2, 5, 4, 6))
    np.testing.assert_allclose(linear_at_every_pixel(linear, x), _torch_conv(conv, x), atol=1e-12)
    with pytest.raises(
        ArgumentError, match=r"pointwise_linear: weight must be \(C_out, C_in, 1, 1\)"
    ):
        pointwise_linear(np.zeros((3, 5, 3, 3)))
    with pytest.raises(ArgumentError, match=r"linear_at_every_pixel: x must be \(N, 5, H, W\)"):
        linear_at_every_pixel(linear, np.zeros((2, 4, 3, 3)))


def test_the_weight_is_copied_not_shared() -> None:
    weight = np.ones((2, 3, 1, 1))
    linear = pointwise_linear(weight)
    weight[...] = 5
    assert linear.weight.data.max() == 1


@pytest.mark.parametrize("bias", [True, False])
def test_flatten_linear_is_a_convolution_over_the_whole_map(bias: bool) -> None:
    linear = Linear(3 * 4 * 5, 7, bias=bias, rng=4, dtype=np.float64)
    conv = linear_as_conv(linear, (3, 4, 5))
    assert conv.kernel_size == (4, 5)
    x = np.random.default_rng(5).standard_normal((2, 3, 4, 5))
    flat = Sequential(Flatten(), linear)(x)  # (2, 7)
    out = conv(x)  # (2, 7, 1, 1)
    assert out.shape == (2, 7, 1, 1)
    np.testing.assert_allclose(out[:, :, 0, 0], flat, atol=1e-12)
    np.testing.assert_allclose(_torch_conv(conv, x), out, atol=1e-12)
    with pytest.raises(ArgumentError, match=r"linear_as_conv: map_shape .* holds 61 values"):
        linear_as_conv(Linear(60, 2), (61, 1, 1))


@pytest.mark.parametrize(("stride", "dy", "dx"), [(1, 0, 0), (1, 3, 5), (2, 4, 2), (5, 5, 10)])
def test_moving_the_input_moves_the_output(stride: int, dy: int, dx: int) -> None:
    conv = Conv2d(2, 3, 5, stride=stride, rng=6, dtype=np.float64)
    image = np.random.default_rng(7).standard_normal((1, 2, 40, 40))
    shift = equivariance(conv, image, dy, dx, 30)
    assert shift.difference < 1e-12
    _, moved = shift.inputs
    np.testing.assert_array_equal(moved[0, :, 0, 0], image[0, :, dy, dx])
    a, b = shift.overlap
    assert a.shape == b.shape
    assert a.shape[2] == shift.outputs[0].shape[2] - dy // stride
    # a moved picture whose output is compared without moving it back differs
    if dy or dx:
        assert np.abs(shift.outputs[0] - shift.outputs[1]).max() > 0.1


def test_equivariance_needs_a_shift_the_stride_can_follow() -> None:
    image = np.zeros((1, 1, 20, 20))
    with pytest.raises(
        ArgumentError, match="equivariance: dy=1 and dx=0 must be ≥ 0 and multiples of the stride 2"
    ):
        equivariance(Conv2d(1, 1, 3, stride=2), image, 1, 0, 10)
    with pytest.raises(ArgumentError, match="must fit the image"):
        equivariance(Conv2d(1, 1, 3), image, 5, 0, 18)


def test_the_lessons_bill() -> None:
    bill = parameter_bill()
    assert bill["dense"].weights == 6_220_800 * 1_327_104 == 8_255_648_563_200
    assert bill["local"] == (99_532_800, 1_327_104)
    assert bill["conv"] == (1200, 16)
    assert bill["linear"].total == 6_220_801
    assert bill["conv_linear"].total == 1_328_321  # chapters 3 and 4's model
    assert bill["stride1_linear"].total == 1216 + 16 * 1076 * 1916 + 1 == 32_987_073
    assert bill["gap_linear"].total == 1233
    assert bill["stride1_linear"].total > bill["linear"].total > bill["conv_linear"].total


def test_the_bill_against_real_layers_on_a_small_image() -> None:
    """On a 3 × 20 × 30 image the counts match layers one can build and count."""
    shape = (3, 20, 30)
    bill = parameter_bill(shape, out_channels=4, kernel_size=5, stride=5)
    conv = Conv2d(3, 4, 5, stride=5)
    out = conv.output_shape((1, *shape))  # (1, 4, 4, 6)
    n_out, n_in = int(np.prod(out[1:])), int(np.prod(shape))
    dense = Linear(n_in, n_out)
    assert bill["dense"].total == sum(p.numel() for p in dense.parameters())
    assert bill["conv"].total == sum(p.numel() for p in conv.parameters())
    # a locally connected layer: one (C·k·k) weight row and a bias per output value
    assert bill["local"].total == n_out * (3 * 5 * 5 + 1)
    head = Linear(n_out, 1)
    assert bill["conv_linear"].total == bill["conv"].total + sum(
        p.numel() for p in head.parameters()
    )
    stride1 = Conv2d(3, 4, 5).output_shape((1, *shape))
    assert bill["stride1_linear"].total == bill["conv"].total + int(np.prod(stride1[1:])) + 1
    assert bill["gap_linear"].total == bill["conv"].total + 4 + 1
