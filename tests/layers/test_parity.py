"""Parity with torch, property-based: each layer matches torch in float64 (output, input and
weight gradients).

hypothesis draws shapes, channels, kernel, stride, padding, dilation (and output_padding).
Valid draws must agree with torch to rtol 1e-7; invalid draws must make *both* libraries
refuse (ours with an ArgumentError before any computation).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from layerguide.errors import ArgumentError
from layerguide.layers import (
    BCELoss,
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    MSELoss,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)
from layerguide.layers.loss import Loss
from layerguide.torch_twin import torch_twin

EXAMPLES = 500  # per layer; the whole file runs in well under a minute on 2 cores
SETTINGS = settings(max_examples=EXAMPLES, deadline=None)
# Some draws are invalid on purpose (both libraries must refuse them); these tests draw
# more so that at least EXAMPLES of them are compared with torch (see `event` statistics).
MORE = settings(max_examples=800, deadline=None)

small = st.integers(1, 3)
size = st.integers(1, 9)
kernel = st.integers(1, 4)
stride = st.integers(1, 3)
pad = st.integers(0, 2)
dil = st.integers(1, 2)
seeds = st.integers(0, 2**32 - 1)


def pairs(s: st.SearchStrategy[int]) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(s, s)


@settings(max_examples=600, deadline=None)
@given(n=small, c_in=small, c_out=small, h=size, w=size, k=pairs(kernel), s=pairs(stride),
       p=pairs(pad), d=pairs(dil), bias=st.booleans(), seed=seeds)  # fmt: skip
def test_conv2d(parity, out_size_formula, n, c_in, c_out, h, w, k, s, p, d, bias, seed):
    rng = np.random.default_rng(seed)
    ours = Conv2d(c_in, c_out, k, s, p, d, bias=bias, rng=rng)
    theirs = torch.nn.Conv2d(c_in, c_out, k, s, p, d, bias=bias)
    x = rng.standard_normal((n, c_in, h, w))
    valid = all(
        di * (ki - 1) + 1 <= ni + 2 * pi for ni, ki, pi, di in zip((h, w), k, p, d, strict=True)
    )
    event("refused" if not valid else "compared with torch")
    if not valid:
        with pytest.raises(ArgumentError, match="Conv2d: kernel_size"):
            ours.output_shape(x.shape)
        with pytest.raises(ArgumentError, match="Conv2d: kernel_size"):
            ours(x)
        with pytest.raises(RuntimeError):
            theirs.double()(torch.from_numpy(x))
        return
    expected = (n, c_out, *(out_size_formula(*a) for a in zip((h, w), k, s, p, d, strict=True)))
    assert ours.output_shape(x.shape) == expected
    y = parity(ours, theirs, x, seed=seed)
    assert y.shape == expected


def mostly_below(limit: int) -> st.SearchStrategy[int]:
    """An int in [0, limit), and about one draw in ten exactly ``limit`` (one too many)."""
    return st.integers(0, 9).map(lambda r: limit if r == 0 else r % limit)


@MORE
@given(n=small, c_in=small, c_out=small, h=st.integers(1, 6), w=st.integers(1, 6),
       k=pairs(kernel), s=pairs(stride), p=pairs(pad), d=pairs(dil), bias=st.booleans(),
       seed=seeds, data=st.data())  # fmt: skip
def test_conv_transpose2d(parity, n, c_in, c_out, h, w, k, s, p, d, bias, seed, data):
    # output_padding must stay below max(stride, dilation); one draw in ten breaks that
    op = tuple(data.draw(mostly_below(max(si, di))) for si, di in zip(s, d, strict=True))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c_in, h, w))
    theirs = torch.nn.ConvTranspose2d(c_in, c_out, k, s, p, op, bias=bias, dilation=d)
    if any(o >= si and o >= di for o, si, di in zip(op, s, d, strict=True)):
        event("refused")
        with pytest.raises(ArgumentError, match="output_padding"):
            ConvTranspose2d(c_in, c_out, k, s, p, op, bias=bias, dilation=d)
        with pytest.raises(RuntimeError):
            theirs.double()(torch.from_numpy(x))
        return
    ours = ConvTranspose2d(c_in, c_out, k, s, p, op, bias=bias, dilation=d, rng=rng)
    expected = [(m - 1) * si - 2 * pi + di * (ki - 1) + oi + 1
                for m, ki, si, pi, oi, di in zip((h, w), k, s, p, op, d, strict=True)]  # fmt: skip
    if min(expected) <= 0:
        event("refused")
        with pytest.raises(ArgumentError, match="ConvTranspose2d: output"):
            ours.output_shape(x.shape)
        with pytest.raises(RuntimeError):
            theirs.double()(torch.from_numpy(x))
        return
    assert ours.output_shape(x.shape) == (n, c_out, *expected)
    event("compared with torch")
    parity(ours, theirs, x, seed=seed)


@MORE
@given(n=small, c=small, h=size, w=size, k=pairs(kernel), s=st.none() | pairs(stride),
       d=pairs(dil), ret=st.booleans(), seed=seeds, data=st.data())  # fmt: skip
def test_maxpool2d(parity, out_size_formula, n, c, h, w, k, s, d, ret, seed, data):
    # padding may be at most kernel_size // 2; one draw in ten breaks that
    p = tuple(data.draw(mostly_below(ki // 2 + 1)) for ki in k)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    if any(pi > ki // 2 for pi, ki in zip(p, k, strict=True)):
        event("refused")
        with pytest.raises(ArgumentError, match="at most half the kernel_size"):
            MaxPool2d(k, s, p, d, return_indices=ret)
        with pytest.raises(RuntimeError):
            F.max_pool2d(torch.from_numpy(x), k, s, p, d)
        return
    ours = MaxPool2d(k, s, p, d, return_indices=ret)
    theirs = torch.nn.MaxPool2d(k, s, p, d, return_indices=ret)
    sv = k if s is None else s
    if any(di * (ki - 1) + 1 > ni + 2 * pi for ni, ki, pi, di in zip((h, w), k, p, d, strict=True)):
        event("refused")
        with pytest.raises(ArgumentError, match="MaxPool2d: kernel_size"):
            ours(x)
        with pytest.raises(RuntimeError):
            theirs(torch.from_numpy(x))
        return
    expected = (n, c, *(out_size_formula(*a) for a in zip((h, w), k, sv, p, d, strict=True)))
    if any(
        not any(0 <= o * si - pi + j * di < m for j in range(ki))
        for m, ki, si, pi, di, m_out in zip((h, w), k, sv, p, d, expected[2:], strict=True)
        for o in range(m_out)
    ):  # a window entirely in the padding: torch gives -inf and a bad gradient; we refuse
        event("refused")
        with pytest.raises(ArgumentError, match="entirely in the padding"):
            ours(x)
        return
    assert ours.output_shape(x.shape) == expected
    event("compared with torch")
    parity(ours, theirs, x, seed=seed)


@SETTINGS
@given(n=small, c=small, h=st.integers(2, 9), w=st.integers(2, 9), k=pairs(st.integers(1, 3)),
       s=st.none() | pairs(stride), seed=seeds, give_size=st.booleans())  # fmt: skip
def test_maxunpool2d(parity, n, c, h, w, k, s, seed, give_size):
    assume(all(ki <= m for ki, m in zip(k, (h, w), strict=True)))
    rng = np.random.default_rng(seed)
    pooled, idx = F.max_pool2d(torch.from_numpy(rng.standard_normal((n, c, h, w))), k, s,
                               return_indices=True)  # fmt: skip
    sv = k if s is None else s
    default = [(m - 1) * si + ki for m, si, ki in zip(pooled.shape[2:], sv, k, strict=True)]
    size = (h, w) if give_size else None
    if give_size:
        assume(all(dd - si < m < dd + si for dd, si, m in zip(default, sv, (h, w), strict=True)))
    else:
        assume(
            all(dd >= m for dd, m in zip(default, (h, w), strict=True))
        )  # indices fit the default size
    ours = MaxUnpool2d(k, s)
    theirs = torch.nn.MaxUnpool2d(k, s)
    y = parity(ours, theirs, pooled.numpy(), extra=(idx.numpy(), size),
               torch_extra=(idx, size), seed=seed)  # fmt: skip
    assert ours.output_shape(pooled.shape, size) == y.shape


@SETTINGS
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), out=st.integers(1, 5),
       bias=st.booleans(), seed=seeds)  # fmt: skip
def test_linear(parity, shape, out, bias, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    ours = Linear(shape[-1], out, bias=bias, rng=rng)
    y = parity(ours, torch.nn.Linear(shape[-1], out, bias=bias), x, seed=seed)
    assert y.shape == ours.output_shape(x.shape) == (*shape[:-1], out)


@SETTINGS
@given(n=small, c=small, h=st.integers(1, 6), w=st.integers(1, 6), s=pairs(st.integers(1, 3)),
       mode=st.sampled_from(["nearest", "bed_of_nails"]), seed=seeds)  # fmt: skip
def test_upsample(parity, n, c, h, w, s, mode, seed):
    x = np.random.default_rng(seed).standard_normal((n, c, h, w))
    theirs: Callable[[torch.Tensor], torch.Tensor]
    if mode == "nearest":
        theirs = torch.nn.Upsample(scale_factor=tuple(float(v) for v in s), mode="nearest")
    else:  # a transposed convolution whose s×s kernel is 1 at the top-left, per channel
        nail = torch.zeros(c, 1, *s, dtype=torch.float64)
        nail[:, :, 0, 0] = 1

        def theirs(xt):
            return F.conv_transpose2d(xt, nail, stride=s, groups=c)

    ours = Upsample(s, mode=mode)
    y = parity(ours, theirs, x, seed=seed)
    assert y.shape == ours.output_shape(x.shape) == (n, c, h * s[0], w * s[1])


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), data=st.data())
def test_flatten(parity, shape, data):
    rank = len(shape)
    start = data.draw(st.integers(-rank, rank - 1))
    end = data.draw(st.integers(-rank, rank - 1))
    x = np.random.default_rng(rank).standard_normal(shape)
    ours = Flatten(start, end)
    if (start % rank) > (end % rank):
        with pytest.raises(ArgumentError, match="Flatten: start_dim"):
            ours(x)
        with pytest.raises(RuntimeError):
            torch.flatten(torch.from_numpy(x), start, end)
        return
    y = parity(ours, torch.nn.Flatten(start, end), x)
    assert y.shape == ours.output_shape(shape)


@pytest.mark.parametrize("which", ["relu", "sigmoid"])
@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=4), scale=st.sampled_from([1, 50]),
       seed=seeds)  # fmt: skip
def test_activations(parity, which, shape, scale, seed):
    x = np.random.default_rng(seed).standard_normal(shape) * scale
    ours, theirs = (ReLU(), torch.nn.ReLU()) if which == "relu" else (Sigmoid(), torch.nn.Sigmoid())
    y = parity(ours, theirs, x, seed=seed)
    assert y.shape == ours.output_shape(x.shape) == tuple(shape)


@pytest.mark.parametrize("which", ["mse", "bce"])
@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       reduction=st.sampled_from(["mean", "sum", "none"]), seed=seeds)  # fmt: skip
def test_losses(which, shape, reduction, seed):
    rng = np.random.default_rng(seed)
    ours: Loss
    theirs: torch.nn.Module
    if which == "mse":
        o, t = rng.standard_normal(shape), rng.standard_normal(shape)
        ours, theirs = MSELoss(reduction), torch.nn.MSELoss(reduction=reduction)
    else:
        o, t = rng.uniform(0, 1, shape), rng.uniform(0, 1, shape)
        o.flat[0] = [0.0, 1.0, 0.5][seed % 3]  # the clamped log at the edges
        ours, theirs = BCELoss(reduction), torch.nn.BCELoss(reduction=reduction)
    ot = torch.from_numpy(o.copy()).requires_grad_(True)
    lt = theirs(ot, torch.from_numpy(t))
    loss = ours(o, t)
    np.testing.assert_allclose(loss, lt.detach().numpy(), rtol=1e-7, atol=1e-10)
    g = rng.standard_normal(lt.shape) if reduction == "none" else np.array(1.7)
    (gt,) = torch.autograd.grad(lt, ot, torch.from_numpy(g))
    grad = ours.backward(g if reduction == "none" else 1.7)
    np.testing.assert_allclose(grad, gt.numpy(), rtol=1e-7, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(n=small, seed=seeds)
def test_sequential_small_cnn(parity, n, seed):
    rng = np.random.default_rng(seed)
    ours = Sequential(
        Conv2d(1, 4, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
        ConvTranspose2d(4, 2, 2, stride=2, rng=rng), Sigmoid(), Upsample(2),
        Flatten(), Linear(2 * 16 * 16, 3, rng=rng),
    )  # fmt: skip
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.ConvTranspose2d(4, 2, 2, stride=2), torch.nn.Sigmoid(),
        torch.nn.Upsample(scale_factor=2.0), torch.nn.Flatten(), torch.nn.Linear(2 * 16 * 16, 3),
    )  # fmt: skip
    x = rng.standard_normal((n, 1, 8, 8))
    y = parity(ours, theirs, x, seed=seed)
    assert y.shape == ours.output_shape(x.shape) == (n, 3)


def test_sgd_matches_torch():
    from layerguide.layers import SGD

    rng = np.random.default_rng(0)
    ours = Sequential(Linear(3, 4, rng=rng), ReLU(), Linear(4, 1, rng=rng)).to(np.float64)
    theirs = torch_twin(ours)
    t_params = list(theirs.parameters())
    opt = SGD(ours.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
    t_opt = torch.optim.SGD(t_params, lr=0.1, momentum=0.9, weight_decay=0.01)
    loss, t_loss = MSELoss(), torch.nn.MSELoss()
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 1))
    for _ in range(5):
        opt.zero_grad()
        loss(ours(x), y)
        ours.backward(loss.backward())
        opt.step()
        t_opt.zero_grad()
        t_loss(theirs(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        t_opt.step()
    for o, t in zip(ours.parameters(), t_params, strict=True):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-7, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(n=small, c=small, h=size, w=size, k=pairs(st.integers(1, 3)), s=pairs(stride),
       p=pairs(st.integers(0, 1)), special=st.sampled_from([None, "nan", "-inf", "all -inf"]),
       seed=seeds)  # fmt: skip
def test_maxpool2d_ties_nan_and_inf(parity, n, c, h, w, k, s, p, special, seed):
    """Small integers make many ties (the first maximum in reading order wins, as in torch);
    NaN wins and the last NaN of a window is the index; -inf never beats a real value."""
    assume(all(pi <= ki // 2 and ki <= m + 2 * pi for pi, ki, m in zip(p, k, (h, w), strict=True)))
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, (n, c, h, w)).astype(np.float64)
    if special == "nan":
        x[rng.random(x.shape) < 0.2] = np.nan
    elif special == "-inf":
        x[rng.random(x.shape) < 0.5] = -np.inf
    elif special == "all -inf":
        x[:] = -np.inf
    ours = MaxPool2d(k, s, p, return_indices=True)
    y = parity(ours, torch.nn.MaxPool2d(k, s, p, return_indices=True), x, seed=seed)
    assert y.shape == ours.output_shape(x.shape)
