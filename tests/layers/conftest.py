"""The one parity helper every layer test uses (after tinygrad's ``helper_test_op``).

Tests get it as the session fixture ``parity`` (pytest's importlib mode puts no test
folder on ``sys.path``, so a fixture is the clean way to share it).

Build our layer and the torch layer with the *same* weights (copied by name through
``torch_twin``), run both in float64 and
compare the output shape, the output, the input gradient and every parameter gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
import torch

from layerguide.layers import Module
from layerguide.torch_twin import torch_twin

RTOL = 1e-7  # float64: the two libraries add in different orders, nothing more
ATOL = 1e-10  # floor for values that cancel to ~0 (rtol alone is meaningless there)


def close(ours: np.ndarray, theirs: torch.Tensor | np.ndarray, what: str, rtol: float = RTOL,
          atol: float = ATOL) -> None:  # fmt: skip
    theirs_np = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    assert ours.shape == theirs_np.shape, f"{what}: shape {ours.shape} != torch {theirs_np.shape}"
    np.testing.assert_allclose(ours, theirs_np, rtol=rtol, atol=atol, err_msg=what)


def with_our_parameters(ours: Module, theirs: torch.nn.Module) -> list[torch.Tensor]:
    """Load our parameters into the torch layer through ``torch_twin``; return them in our order.

    ``theirs`` is built by the test from its own arguments; ``load_state_dict`` is strict,
    so the twin's parameter names and shapes must be torch's.
    """
    theirs.double().load_state_dict(torch_twin(ours).state_dict())
    by_name = dict(theirs.named_parameters())
    return [by_name[name] for name, _ in ours.named_parameters()]


def check_parity(
    ours: Module,
    theirs: torch.nn.Module | Callable[..., Any],
    x: np.ndarray,
    *,
    extra: Sequence[Any] = (),
    torch_extra: Sequence[Any] | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Compare ``ours(x, *extra)`` with ``theirs(x, *torch_extra)`` and all gradients.

    ``theirs`` is a torch module (its parameters are overwritten with ours, copied by
    :func:`~layerguide.torch_twin.torch_twin`) or a function of the input tensor. Returns our output (the first element if it is a tuple).
    """
    ours.to(np.float64)
    ours.zero_grad()
    x = np.asarray(x, dtype=np.float64)
    t_params = with_our_parameters(ours, theirs) if isinstance(theirs, torch.nn.Module) else []
    if torch_extra is None:
        torch_extra = [torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in extra]

    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = theirs(xt, *torch_extra)
    y = ours(x, *extra)
    if isinstance(yt, tuple):  # MaxPool2d(return_indices=True): (values, indices)
        assert isinstance(y, tuple), "torch returned (values, indices), ours did not"
        np.testing.assert_array_equal(y[1], yt[1].numpy(), err_msg="indices")
        assert y[1].dtype == np.int64
        y, yt = y[0], yt[0]
    assert y.dtype == np.float64
    close(y, yt, "output")

    g = np.random.default_rng(seed).standard_normal(y.shape)
    wrt = [xt, *t_params]
    grads = torch.autograd.grad(yt, wrt, grad_outputs=torch.from_numpy(g), allow_unused=True)
    gx = ours.backward(g.copy())
    close(gx, grads[0] if grads[0] is not None else torch.zeros_like(xt), "input gradient")
    for i, (p, gt) in enumerate(zip(ours.parameters(), grads[1:], strict=True)):
        assert p.grad is not None, f"parameter {i} has no gradient"
        close(p.grad, gt, f"gradient of parameter {i} {p.shape}")
    return y


def out_size(n: int, k: int, s: int, p: int, d: int = 1) -> int:
    """PyTorch's documented output size, written out independently of the package."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@pytest.fixture(autouse=True, scope="module")
def _torch_one_thread():
    """Tiny ops on 2 busy shared cores: torch's thread pool costs 10-100x the op itself."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def parity() -> Callable[..., np.ndarray]:
    """:func:`check_parity`."""
    return check_parity


@pytest.fixture(scope="session")
def out_size_formula() -> Callable[..., int]:
    """:func:`out_size`."""
    return out_size
