"""layerguide.lesson.pooling: average pooling against torch, the models' shapes and counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from layerguide import trace
from layerguide.errors import ArgumentError
from layerguide.lesson.pooling import (
    ALTERNATIVES,
    HEADS,
    POOL_INPUT,
    UPSTREAM,
    alternatives,
    average_pool,
    average_pool_backward,
    pooled_head,
)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 2),
    c=st.integers(1, 3),
    k=st.integers(1, 3),
    h=st.integers(1, 3),
    w=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
def test_average_pool_and_its_backward_are_torchs(n, c, k, h, w, seed) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, k * h, k * w))
    grad_out = rng.standard_normal((n, c, h, w))
    t = torch.from_numpy(x).requires_grad_(True)
    out = F.avg_pool2d(t, k)
    (grad,) = torch.autograd.grad(out, t, torch.from_numpy(grad_out))
    np.testing.assert_allclose(average_pool(x, k), out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(average_pool_backward(grad_out, k), grad.numpy(), rtol=1e-12)


def test_the_example_is_chapter_3s_map() -> None:
    assert POOL_INPUT.shape == (1, 1, 4, 4)
    assert UPSTREAM.shape == (1, 1, 2, 2)
    assert F.max_pool2d(torch.from_numpy(POOL_INPUT), 2).flatten().tolist() == [4, 5, 6, 3]


@pytest.mark.parametrize(
    "call",
    [
        lambda: average_pool(np.zeros((1, 1, 5, 4)), 2),
        lambda: average_pool(np.zeros((4, 4)), 2),
        lambda: average_pool(np.zeros((1, 1, 4, 4)), 0),
        lambda: average_pool_backward(np.zeros((2, 2)), 2),
        lambda: average_pool_backward(np.zeros((1, 1, 2, 2)), 0),
        lambda: alternatives(0),
        lambda: pooled_head(64, 56, "max"),
        lambda: pooled_head(64, 7, "pool"),
    ],
)
def test_bad_arguments_name_the_function(call) -> None:
    with pytest.raises(ArgumentError, match=r"^(average_pool\w*|alternatives|pooled_head): "):
        call()


@pytest.mark.parametrize("c", [1, 8])
def test_alternatives_against_hand_counts(c: int) -> None:
    ways = alternatives(c)
    assert tuple(ways) == ALTERNATIVES
    x = torch.zeros(1, c, 16, 16)
    shapes = {key: tuple(way(x).shape) for key, way in ways.items()}
    assert shapes["max_pool"] == shapes["strided"] == (1, c, 8, 8)
    assert shapes["dilated"] == shapes["three_3x3"] == shapes["one_7x7"] == (1, c, 16, 16)
    counts = {key: sum(p.numel() for p in way.parameters()) for key, way in ways.items()}
    assert counts == {
        "max_pool": 0,
        "strided": 9 * c * c,
        "dilated": 9 * c * c,
        "three_3x3": 27 * c * c,
        "one_7x7": 49 * c * c,
    }
    fields = {k: trace(w, (1, c, 16, 16)).rows[-1].receptive_field for k, w in ways.items()}
    assert fields == {
        "max_pool": (2, 2),
        "strided": (3, 3),
        "dilated": (5, 5),
        "three_3x3": (7, 7),
        "one_7x7": (7, 7),
    }


def test_the_stack_of_three_has_relus_between_not_after() -> None:
    kinds = [type(m).__name__ for m in alternatives(2)["three_3x3"].children()]
    assert kinds == ["Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d"]


@pytest.mark.parametrize("head", HEADS)
def test_heads_run_and_count(head: str) -> None:
    model = pooled_head(4, 8, head, classes=3)
    assert tuple(model(torch.zeros(2, 4, 8, 8)).shape) == (2, 3)
    linear = model[-1]
    side = {"flatten": 8, "pool": 4, "global": 1}[head]
    assert linear.in_features == 8 * side * side
