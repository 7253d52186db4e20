"""Training, evaluation, checkpoints and the training cache, in one import.

Each concern has its own module; this one gathers their public names, so that
``from layerguide.autoencoder.train import PAGE_BUDGET, train`` keeps working:

- :mod:`~layerguide.autoencoder.train_config`: ``TrainConfig`` (how long and how to
  train) and ``PAGE_BUDGET``, the config the gallery pages use;
- :mod:`~layerguide.autoencoder.schedule`: the one-cycle learning rate;
- :mod:`~layerguide.autoencoder.parallel`: the batch split between model copies on the CPU;
- :mod:`~layerguide.autoencoder.loop`: ``train``, the loop itself;
- :mod:`~layerguide.autoencoder.evaluation`: ``evaluate``, ``bce_floor``;
- :mod:`~layerguide.autoencoder.checkpoint`: the checkpoint file;
- :mod:`~layerguide.autoencoder.cache`: ``pretrained``, train once, then reuse.
"""

from __future__ import annotations

from layerguide.autoencoder.cache import cache_key, make_info, pretrained
from layerguide.autoencoder.checkpoint import (
    FORMAT,
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from layerguide.autoencoder.evaluation import Metrics, bce_floor, evaluate, summary_line
from layerguide.autoencoder.loop import TrainResult, resolve_device, train
from layerguide.autoencoder.train_config import PAGE_BUDGET, TrainConfig, TrainConfigError

__all__ = [
    "FORMAT",
    "PAGE_BUDGET",
    "CheckpointError",
    "Metrics",
    "TrainConfig",
    "TrainConfigError",
    "TrainResult",
    "bce_floor",
    "cache_key",
    "evaluate",
    "load_checkpoint",
    "make_info",
    "pretrained",
    "resolve_device",
    "save_checkpoint",
    "summary_line",
    "train",
]
