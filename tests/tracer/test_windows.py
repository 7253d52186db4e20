"""The input window of one output position, checked against torch autograd.

An output depends on an input pixel exactly when some path of non-zero weights joins
them. With convolutions of ones and average pooling every such path carries a positive
gradient, so the pixels with a non-zero gradient of one output *are* its window; with max
pooling the gradient goes to one pixel per window, so over many random inputs the pixels
that ever get one fill the window.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.tracer.probe import effective_field
from layerguide.tracer.windows import (
    Step,
    Window,
    input_window,
    output_size,
    output_windows,
    window_layers,
    window_of,
)


def autograd_window(forward, size: tuple[int, int], position: tuple[int, int]) -> Window:
    x = torch.rand(1, 1, *size, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(forward(x)[0, 0, position[0], position[1]], x)
    rows, cols = torch.nonzero(grad[0, 0], as_tuple=True)
    return Window((int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max())))


def run(layers: list[tuple[Step, Step]], x: torch.Tensor) -> torch.Tensor:
    for h, w in layers:
        if h.kernel == 2:  # a pooling (convolutions have odd kernels, see the strategies)
            x = F.avg_pool2d(
                x,
                (h.kernel, w.kernel),
                (h.stride, w.stride),
                (h.padding, w.padding),
                ceil_mode=h.ceil_mode,
            )
        else:
            ones = torch.ones(1, 1, h.kernel, w.kernel, dtype=x.dtype)
            x = F.conv2d(
                x,
                ones,
                stride=(h.stride, w.stride),
                padding=(h.padding, w.padding),
                dilation=(h.dilation, w.dilation),
            )
    return x


convs = st.builds(
    lambda k, s, p, d: Step(k, s, min(p, d * (k - 1)), d),
    st.sampled_from([1, 3, 5]),
    st.integers(1, 3),
    st.integers(0, 2),
    st.integers(1, 3),
)
pools = st.builds(  # torch's ceil_mode is one flag for both axes
    lambda s, p, c: (Step(2, s[0], p[0], 1, c), Step(2, s[1], p[1], 1, c)),
    st.tuples(st.integers(1, 2), st.integers(1, 2)),
    st.tuples(st.integers(0, 1), st.integers(0, 1)),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(convs, convs) | pools, min_size=1, max_size=4),
    st.integers(8, 30),
    st.integers(8, 30),
    st.data(),
)
def test_the_window_is_where_the_gradient_is(layers, h, w, data) -> None:
    try:
        size = output_size(layers, (h, w))
    except ArgumentError:
        assume(False)
    x = torch.zeros(1, 1, h, w, dtype=torch.float64)
    assert tuple(run(layers, x).shape[2:]) == size  # the same sizes as torch
    i = data.draw(st.integers(0, size[0] - 1))
    j = data.draw(st.integers(0, size[1] - 1))
    assert input_window(layers, (h, w), (i, j)) == autograd_window(
        lambda t: run(layers, t), (h, w), (i, j)
    )


def test_the_default_encoder_after_its_third_pooling() -> None:
    """Rows 8i − 7 … 8i + 14, clipped: the figures the chapter 4 page quotes."""
    from layerguide.autoencoder import AutoencoderConfig, build_autoencoder

    model = build_autoencoder(AutoencoderConfig())
    layers = window_layers(model, "encoder.stages.2.pool")
    assert output_size(layers, (28, 28)) == (4, 4)
    rows = [input_window(layers, (28, 28), (i, 0)).rows for i in range(4)]
    assert rows == [(0, 14), (1, 22), (9, 27), (17, 27)]
    assert rows == [(max(8 * i - 7, 0), min(8 * i + 14, 27)) for i in range(4)]
    # the real model, max pooling and all: the pixels that ever get a gradient
    torch.manual_seed(0)
    encoder = model.encoder.eval()
    for i, j in [(0, 0), (1, 2), (3, 1)]:
        seen = torch.zeros(28, 28, dtype=torch.bool)
        x = torch.randn(256, 1, 28, 28, requires_grad=True)
        (grad,) = torch.autograd.grad(encoder(x).values[:, :, i, j].sum(), x)
        seen |= (grad[:, 0] != 0).any(dim=0)
        rows_, cols_ = torch.nonzero(seen, as_tuple=True)
        found = Window((int(rows_.min()), int(rows_.max())), (int(cols_.min()), int(cols_.max())))
        assert found == input_window(layers, (28, 28), (i, j))


def test_floor_mode_leaves_pixels_no_output_sees() -> None:
    layers = window_layers(nn.Sequential(nn.MaxPool2d(2)))
    assert output_size(layers, (5, 5)) == (2, 2)
    assert input_window(layers, (5, 5), (1, 1)) == Window((2, 3), (2, 3))  # row 4 is never read


def test_errors() -> None:
    with pytest.raises(ArgumentError, match="Step"):
        Step(0)
    with pytest.raises(ArgumentError, match="does not fit"):
        Step(5).out_size(3)
    layers = window_layers(nn.Sequential(nn.Conv2d(1, 1, 3)))
    with pytest.raises(ArgumentError, match="outside the output"):
        input_window(layers, (5, 5), (3, 0))
    with pytest.raises(ArgumentError, match="no module named"):
        window_layers(nn.Sequential(nn.Conv2d(1, 1, 3)), "nope")
    with pytest.raises(ArgumentTypeError):
        window_layers(object())


def test_window_of_and_share() -> None:
    import numpy as np

    mask = np.zeros((6, 6), dtype=bool)
    mask[1, 2] = mask[4, 3] = mask[2, 5] = True
    box = window_of(mask)
    assert box == Window((1, 4), (2, 5))
    assert (box.height, box.width) == (4, 4)
    assert Window((0, 3), (0, 5)).share(mask) == pytest.approx(2 / 3)
    assert box.contains((1, 4), (2, 5))
    assert not Window((0, 3), (0, 5)).contains((1, 4), (2, 5))
    with pytest.raises(ArgumentError):
        window_of(np.zeros((3, 3)))


def test_output_windows_cover_every_position() -> None:
    layers = window_layers(nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.MaxPool2d(2)))
    windows = output_windows(layers, (6, 8))
    assert sorted(windows) == [(i, j) for i in range(3) for j in range(4)]
    assert windows[2, 3] == input_window(layers, (6, 8), (2, 3)) == Window((3, 5), (5, 7))


def test_effective_field_is_the_mean_absolute_gradient() -> None:
    """One image at a time by autograd, then averaged: the same as the batched measurement."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)).eval()
    images = torch.randn(5, 1, 8, 8)
    field = effective_field(model, images.numpy(), (1, 2))
    expected = torch.zeros(8, 8)
    for x in images:
        x = x[None].clone().requires_grad_(True)
        (g,) = torch.autograd.grad(model(x)[0, :, 1, 2].sum(), x)
        expected += g[0, 0].abs() / len(images)
    assert field.shape == (8, 8)
    torch.testing.assert_close(torch.from_numpy(field), expected)
    window = input_window(window_layers(model), (8, 8), (1, 2))
    assert window.share(field > 0) == 1.0  # no gradient outside the receptive field
    with pytest.raises(ArgumentError, match="not in the output"):
        effective_field(model, images.numpy(), (4, 0))
