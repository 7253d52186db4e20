"""Algebraic properties and shape arithmetic that hold without torch.

- Transposed convolution is the adjoint of convolution: <conv(x), y> = <x, conv_T(y)>.
- ``output_shape`` gives the output size formula, for d2l's and PyTorch's conventions.
- ``output_shape`` allocates nothing, so it works on inputs too large for memory.
- float32 in, float32 out, agreeing with torch's float32 to the documented tolerance.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from layerguide.layers import (
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)
from layerguide.torch_twin import torch_twin

small = st.integers(1, 3)


@settings(max_examples=300, deadline=None)
@given(n=small, c_in=small, c_out=small, h=st.integers(1, 9), w=st.integers(1, 9),
       k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
       d=st.tuples(st.integers(1, 2), st.integers(1, 2)), seed=st.integers(0, 2**32 - 1))  # fmt: skip
def test_transposed_conv_is_adjoint(n, c_in, c_out, h, w, k, s, p, d, seed):
    conv = Conv2d(c_in, c_out, k, s, p, d, bias=False, dtype=np.float64, rng=seed)
    try:
        y_shape = conv.output_shape((n, c_in, h, w))
    except ValueError:
        assume(False)
    # conv_T maps y back to x's size: output_padding makes up for conv's rounding down.
    op = [m - ((o - 1) * si - 2 * pi + di * (ki - 1) + 1)
          for m, o, ki, si, pi, di in zip((h, w), y_shape[2:], k, s, p, d, strict=True)]  # fmt: skip
    assume(all(o < si or o < di for o, si, di in zip(op, s, d, strict=True)))
    conv_t = ConvTranspose2d(c_out, c_in, k, s, p, tuple(op), bias=False, dilation=d,
                             dtype=np.float64)  # fmt: skip
    conv_t.weight.data = conv.weight.data  # the same (C_out, C_in, kH, kW) array
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, h, w))
    y = rng.standard_normal(y_shape)
    lhs = np.vdot(conv(x), y)
    ty = conv_t(y)
    assert ty.shape == x.shape
    np.testing.assert_allclose(lhs, np.vdot(x, ty), rtol=1e-9, atol=1e-9)
    # ... and conv's input gradient *is* the transposed convolution of grad_out.
    np.testing.assert_allclose(conv.backward(y), ty, rtol=1e-9, atol=1e-12)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 10_000), k=st.integers(1, 12), s=st.integers(1, 6),
       p=st.integers(0, 6))  # fmt: skip
def test_output_size_d2l_and_pytorch_agree(n, k, s, p):
    """d2l: floor((n - k + p_total + s) / s) with p_total = both sides; torch: per side."""
    assume(k <= n + 2 * p)
    d2l = (n - k + 2 * p + s) // s
    pytorch = (n + 2 * p - k) // s + 1
    assert d2l == pytorch
    conv = Conv2d(1, 1, k, s, p)
    assert conv.output_shape((1, 1, n, n))[2:] == (pytorch, pytorch)


def test_output_shape_allocates_nothing():
    """A 90-minute movie at 1080p through a conv stack: shapes only, no memory."""
    model = Sequential(
        Conv2d(3, 16, 5, stride=5), ReLU(), MaxPool2d(2, return_indices=True),
        ConvTranspose2d(16, 8, 2, stride=2), Upsample(2), Sigmoid(), Flatten(), Linear(16, 1),
    )  # fmt: skip
    tracemalloc.start()
    try:
        shape = model[:-1].output_shape((162_000, 3, 1080, 1920))
        unpooled = MaxUnpool2d(2).output_shape((162_000, 16, 108, 192))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert shape == (162_000, 8 * 432 * 768)
    assert unpooled == (162_000, 16, 216, 384)
    assert peak < 100_000  # bytes: a few small tuples, nothing the size of a tensor


LAYERS_32 = [
    (lambda: (Conv2d(3, 4, 3, 2, 1, rng=0), torch.nn.Conv2d(3, 4, 3, 2, 1)), (2, 3, 9, 9)),
    (lambda: (Conv2d(3, 4, 3, padding=1, rng=0), torch.nn.Conv2d(3, 4, 3, padding=1)), (2, 3, 9, 9)),
    (lambda: (ConvTranspose2d(3, 4, 3, 2, 1, 1, rng=0),
              torch.nn.ConvTranspose2d(3, 4, 3, 2, 1, 1)), (2, 3, 5, 5)),
    (lambda: (Linear(7, 5, rng=0), torch.nn.Linear(7, 5)), (4, 7)),
    (lambda: (MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)), (2, 3, 9, 9)),
    (lambda: (Upsample(2), torch.nn.Upsample(scale_factor=2.0)), (2, 3, 4, 4)),
    (lambda: (Sigmoid(), torch.nn.Sigmoid()), (2, 3, 4, 4)),
]  # fmt: skip


@pytest.mark.parametrize(("make", "shape"), LAYERS_32)
def test_float32_is_kept_and_agrees(make, shape):
    """float32 stays float32; agreement with torch's float32 is rtol 1e-5, atol 1e-6."""
    ours, theirs = make()
    theirs.load_state_dict(torch_twin(ours).state_dict())  # strict: torch's names and shapes
    x = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = theirs(xt)
    y = ours(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    g = np.ones(y.shape, dtype=np.float32)
    grads = torch.autograd.grad(yt, [xt, *theirs.parameters()], torch.from_numpy(g))
    gx = ours.backward(g)
    assert gx.dtype == np.float32
    np.testing.assert_allclose(gx, grads[0].numpy(), rtol=1e-5, atol=1e-5)
    for p, gt in zip(ours.parameters(), grads[1:], strict=True):
        assert p.grad is not None
        assert p.grad.dtype == np.float32
        np.testing.assert_allclose(p.grad, gt.numpy(), rtol=1e-5, atol=1e-4)


def test_float64_input_with_float32_weights_stays_float64():
    conv = Conv2d(1, 2, 3, rng=0)
    x = np.ones((1, 1, 5, 5))
    y = conv(x)
    assert y.dtype == np.float64
    conv.backward(np.ones_like(y))
    assert conv.weight.grad is not None
    assert conv.weight.grad.dtype == np.float32


def test_gradients_accumulate_until_zero_grad():
    layer = Linear(3, 2, rng=0)
    x = np.ones((4, 3), dtype=np.float32)
    for _ in range(2):
        layer.backward(np.ones(layer(x).shape, dtype=np.float32))
    assert layer.bias is not None
    assert layer.bias.grad is not None
    np.testing.assert_array_equal(layer.bias.grad, [8.0, 8.0])
    layer.zero_grad()
    assert all(p.grad is None for p in layer.parameters())


def test_default_init_matches_torch_bounds():
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)); ConvTranspose2d's fan_in counts C_out·kH·kW."""
    for layer, fan_in in [(Linear(50, 40, rng=0), 50), (Conv2d(3, 64, 5, rng=0), 75),
                          (ConvTranspose2d(64, 3, 5, rng=0), 75)]:  # fmt: skip
        bound = 1 / np.sqrt(fan_in)
        for p in layer.parameters():
            assert p.data.dtype == np.float32
            assert np.abs(p.data).max() <= bound
            assert np.abs(p.data).max() > 0.9 * bound  # really spread over the interval


def test_reprs():
    assert repr(Linear(2, 3)) == "Linear(in_features=2, out_features=3, bias=True)"
    assert repr(Conv2d(3, 16, 5, stride=5)) == "Conv2d(3, 16, kernel_size=(5, 5), stride=(5, 5))"
    assert repr(Sequential(Linear(2, 3), ReLU())) == (
        "Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)"
    )
