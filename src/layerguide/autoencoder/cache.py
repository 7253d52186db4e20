"""The training cache: train a model once, then read it back for the same settings.

A cached model is keyed by a hash of everything that determines it: the checkpoint
:data:`~layerguide.autoencoder.checkpoint.FORMAT`, the model config, the training config
(every field of :class:`~layerguide.autoencoder.train_config.TrainConfig`) and a name for
the training data. The docs build reuses these checkpoints between builds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from layerguide.autoencoder._files import cache_dir
from layerguide.autoencoder.checkpoint import FORMAT, load_checkpoint, save_checkpoint
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.evaluation import Metrics, evaluate
from layerguide.autoencoder.loop import TrainResult, train
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.train_config import TrainConfig
from layerguide.errors import DataError

__all__ = ["cache_key", "make_info", "pretrained"]


#: Training settings added after models were first cached, with their defaults: while a
#: setting has its default it is left out of the key, so those models keep their keys.
LATER_DEFAULTS: dict[str, object] = {"noise": 0.0}


def cache_key(config: AutoencoderConfig, train_config: TrainConfig, data: str) -> str:
    """Hash of everything that determines a trained model (config, budget, seed, data)."""
    train = {
        k: v
        for k, v in asdict(train_config).items()
        if not (k in LATER_DEFAULTS and v == LATER_DEFAULTS[k])
    }
    blob = json.dumps(
        {
            "format": FORMAT,
            "config": config.to_dict(),
            "train": train,
            "data": data,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def pretrained(
    config: AutoencoderConfig,
    train_config: TrainConfig,
    *,
    train_images: np.ndarray | torch.Tensor | None = None,
    test_images: np.ndarray | torch.Tensor | None = None,
    data: str = "mnist-train",
    cache: str | Path | None = None,
    progress: bool = False,
) -> tuple[Autoencoder, dict[str, Any]]:
    """Train once, then reuse: the model for ``(config, train_config, data)`` from the cache.

    The checkpoint lives in ``<cache>/models/<decoder>-<key>.pt``, ``<cache>`` being
    ``$LAYERGUIDE_CACHE`` or ``~/.cache/layerguide``. On a miss the model is trained on
    ``train_images`` (default: all of MNIST's training set), evaluated on ``test_images``
    (default: MNIST's test set) and saved atomically. ``data`` names the training images
    in the key: change it when you pass other images.

    Returns the model and its info dict (``test_bce``, ``test_mse``, ``params``,
    ``seconds``, ``steps``, ...).
    """
    root = Path(cache) if cache is not None else cache_dir()
    path = root / "models" / f"{config.decoder}-{cache_key(config, train_config, data)}.pt"
    if path.is_file():
        try:
            return load_checkpoint(path, expect=config)
        except DataError:
            pass  # damaged cache entry: train again and replace it atomically
    if train_images is None or test_images is None:
        from layerguide.autoencoder.data import load_mnist

        if train_images is None:
            train_images = load_mnist("train").images
        if test_images is None:
            test_images = load_mnist("test").images
    result = train(config, train_config, train_images, progress=progress)
    metrics = evaluate(result.model, test_images)
    info = make_info(result, metrics, train_config)
    save_checkpoint(path, result.model, info)
    return result.model, info


def make_info(result: TrainResult, metrics: Metrics, train_config: TrainConfig) -> dict[str, Any]:
    """What a checkpoint records about its training."""
    return {
        "test_bce": metrics.bce,
        "test_mse": metrics.mse,
        "params": result.model.n_params(),
        "seconds": result.seconds,
        "steps": result.steps,
        "images_seen": result.images_seen,
        "train": asdict(train_config),
        "torch": str(torch.__version__),
    }
