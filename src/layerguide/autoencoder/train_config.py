"""The training configuration: one frozen dataclass, ``TrainConfig``, and the pages' budget."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from layerguide.errors import ArgumentError

__all__ = ["DENOISE_BUDGET", "PAGE_BUDGET", "TrainConfig", "check_noise"]


def check_noise(where: str, std: object) -> float:
    """``std`` as a float if it is a finite number >= 0, else an error naming ``where``.

    >>> check_noise("add_noise", 0.5)
    0.5
    """
    if isinstance(std, bool) or not isinstance(std, int | float) or not math.isfinite(std):
        raise ArgumentError(f"{where}: noise must be a finite number >= 0, got {std!r}")
    if std < 0:
        raise ArgumentError(f"{where}: noise must be >= 0, got {std!r}")
    return float(std)


@dataclass(frozen=True)
class TrainConfig:
    """How long and how to train. Give exactly one of ``epochs``, ``steps``, ``max_seconds``.

    The fields are also the training cache's key (:func:`~layerguide.autoencoder.cache.cache_key`
    hashes ``asdict(train_config)``): renaming a field changes every key. A field added later
    (``noise``) is left out of the key while it has its default, so the models cached before
    it existed keep their keys.

    Examples
    --------
    >>> TrainConfig(steps=10).budget
    'steps=10'
    """

    epochs: float | None = None  # passes over the training images
    steps: int | None = None  # optimiser steps
    max_seconds: float | None = None  # wall-clock seconds of training (evaluation excluded)
    batch_size: int = 24  # images per step (small batches learn more per image)
    lr: float = 1.2e-2  # peak learning rate of the one-cycle schedule
    weight_decay: float = 1e-4  # AdamW's decoupled weight decay
    warmup: float = 0.1  # fraction of the budget spent warming up
    seed: int = 0  # initial weights and batch order
    threads: int = 2  # CPU threads, one model copy each; results depend on it
    #: Std of the Gaussian noise added to each training input (clipped to [0, 1]); the loss
    #: still compares with the clean digit. 0 trains a plain autoencoder, > 0 a denoising one.
    noise: float = 0.0

    def __post_init__(self) -> None:
        given = {k: v for k, v in self._budgets().items() if v is not None}
        if len(given) != 1:
            raise ArgumentError(
                "TrainConfig: give exactly one of epochs, steps, max_seconds; "
                f"got {given or 'none'}"
            )
        ((name, value),) = given.items()
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ArgumentError(f"TrainConfig: {name} must be > 0, got {value!r}")
        if name == "steps" and not isinstance(value, int):
            raise ArgumentError(f"TrainConfig: steps must be an int, got {value!r}")
        if not math.isfinite(value):
            raise ArgumentError(f"TrainConfig: {name} must be finite, got {value!r}")
        for field_name in ("batch_size", "threads"):
            v = getattr(self, field_name)
            if not isinstance(v, int) or v < 1:
                raise ArgumentError(f"TrainConfig: {field_name} must be an int >= 1, got {v!r}")
        check_noise("TrainConfig", self.noise)
        if not self.lr > 0 or not 0 <= self.warmup < 1 or self.weight_decay < 0:
            raise ArgumentError(
                f"TrainConfig: need lr > 0, 0 <= warmup < 1, weight_decay >= 0; got lr={self.lr}, "
                f"warmup={self.warmup}, weight_decay={self.weight_decay}"
            )

    def _budgets(self) -> dict[str, float | int | None]:
        return {"epochs": self.epochs, "steps": self.steps, "max_seconds": self.max_seconds}

    @property
    def budget(self) -> str:
        """The budget as text, e.g. ``'max_seconds=60'``."""
        return next(f"{k}={v}" for k, v in self._budgets().items() if v is not None)


#: The reduced training config the gallery pages use (the benchmark uses 60 s per decoder).
#: Step-based, so both language builds get the same numbers and share one cached model.
PAGE_BUDGET = TrainConfig(steps=320)
#: Chapter 9's denoising autoencoder — the same budget, inputs with Gaussian noise of std 0.5
#: (the Keras blog's noise factor), so the only difference from PAGE_BUDGET is the noise.
DENOISE_BUDGET = replace(PAGE_BUDGET, noise=0.5)
