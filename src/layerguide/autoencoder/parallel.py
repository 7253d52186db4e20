"""CPU data parallelism: the batch split between copies of the model, one thread each.

A model this small keeps one core busy with many short operations, so two copies on two
cores train about 1.7 times faster than one copy using both cores. The copies' gradients
are summed into the first copy, which takes the optimiser step and hands its weights back
to the others. (The ``torch._foreach_*`` calls do one operation over a list of tensors.)
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import torch
import torch.nn.functional as F

from layerguide.autoencoder.models import Autoencoder
from layerguide.errors import StateError

__all__ = ["Copies", "torch_settings"]


@contextmanager
def torch_settings(threads: int, deterministic: bool) -> Iterator[None]:
    """Set torch's thread count and determinism for the block; restore them afterwards."""
    old_threads = torch.get_num_threads()
    old_det = torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(deterministic)
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_det)


class Copies:
    """The model and one copy per extra CPU thread; a step splits the batch between them.

    Each part's loss is its BCE *sum* divided by the whole batch's pixel count, so the
    summed gradients are exactly the gradient of the batch mean (up to float rounding).
    BatchNorm normalises each part with its own statistics.
    """

    def __init__(self, model: Autoencoder, n: int) -> None:
        self.models = [model] + [copy.deepcopy(model) for _ in range(n - 1)]
        self.params: list[list[torch.Tensor]] = [list(m.parameters()) for m in self.models]
        self.pool = ThreadPoolExecutor(n - 1, thread_name_prefix="layerguide") if n > 1 else None

    def _part(self, k: int, part: torch.Tensor, target: torch.Tensor, scale: float) -> torch.Tensor:
        with torch.enable_grad():  # grad mode is per thread
            for p in self.params[k]:
                p.grad = None
            loss = F.binary_cross_entropy_with_logits(
                self.models[k](part), target, reduction="sum"
            ).mul(scale)
            loss.backward()  # type: ignore[no-untyped-call]  # unannotated in torch
        return loss.detach()

    def gradients(self, batch: torch.Tensor, target: torch.Tensor | None = None) -> torch.Tensor:
        """Gradients of the batch's mean BCE in the first copy; returns that loss.

        The model sees ``batch``; its output is compared with ``target`` (default: ``batch``
        itself; a denoising autoencoder passes the clean digits of a noisy batch).
        """
        target = batch if target is None else target
        scale = 1.0 / batch.numel()
        parts = batch.tensor_split(len(self.models))
        targets = target.tensor_split(len(self.models))
        if self.pool is None:
            return self._part(0, batch, target, scale)
        others = [
            self.pool.submit(self._part, k, parts[k], targets[k], scale)
            for k in range(1, len(parts))
        ]
        loss = self._part(0, parts[0], targets[0], scale)  # the calling thread does the first
        losses = [f.result() for f in others]
        grads = self._grads(0)
        for k, part_loss in enumerate(losses, start=1):
            torch._foreach_add_(grads, self._grads(k))
            loss = loss + part_loss
        return loss

    def _grads(self, k: int) -> list[torch.Tensor]:
        grads = [p.grad for p in self.params[k]]
        if any(g is None for g in grads):  # every parameter takes part in the loss
            missing = [i for i, g in enumerate(grads) if g is None]
            raise StateError(
                f"Copies: copy {k} has parameters without a gradient (indices {missing})"
            )
        return [g for g in grads if g is not None]

    @torch.no_grad()
    def sync(self) -> None:
        """Hand the first copy's weights to the others."""
        for params in self.params[1:]:
            torch._foreach_copy_(params, self.params[0])

    @torch.no_grad()
    def close(self) -> Autoencoder:
        """Average the BatchNorm running statistics of all copies into the first; return it."""
        if self.pool is not None:
            self.pool.shutdown()
            stats = [
                [
                    b
                    for name, b in m.named_buffers()
                    if name.endswith(("running_mean", "running_var"))
                ]
                for m in self.models
            ]
            for others in stats[1:]:
                torch._foreach_add_(stats[0], others)
            torch._foreach_div_(stats[0], len(self.models))
        return self.models[0]
