"""The learning-rate schedule: one cycle (linear warm-up, cosine decay) over a budget.

It runs on the *fraction of the budget used*, not on a step count, so one schedule serves
step budgets and wall-clock budgets alike. (``torch.optim.lr_scheduler.OneCycleLR`` needs
the number of steps in advance, which a ``max_seconds`` budget does not know.)
"""

from __future__ import annotations

import math

from layerguide.autoencoder.train_config import TrainConfig

__all__ = ["lr_at"]

#: Added to the fraction during warm-up so that the very first step (fraction 0) moves the
#: weights a little (lr·1e-3/warmup) instead of wasting the step at a learning rate of 0.
WARMUP_START = 1e-3


def lr_at(fraction: float, train_config: TrainConfig) -> float:
    """Learning rate when ``fraction`` of the budget is used: warm up to ``lr``, decay to 0.

    >>> cfg = TrainConfig(steps=100, lr=1.0, warmup=0.1)
    >>> lr_at(0.05, cfg), lr_at(0.1, cfg), lr_at(1.0, cfg)
    (0.51, 1.0, 0.0)
    """
    if fraction < train_config.warmup:
        return train_config.lr * (fraction + WARMUP_START) / train_config.warmup
    rest = (fraction - train_config.warmup) / (1 - train_config.warmup)
    return train_config.lr * 0.5 * (1 + math.cos(math.pi * min(rest, 1.0)))
