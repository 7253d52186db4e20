"""The checkpoint file: a model's weights, its config and what its training recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from layerguide import LayerguideError
from layerguide.autoencoder._files import atomic_write
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.models import Autoencoder, build_autoencoder
from layerguide.errors import DataError

__all__ = ["FORMAT", "load_checkpoint", "save_checkpoint"]

#: The checkpoint format. Its number goes up whenever the architecture changes, so that an
#: old file is refused with a clear message (and the training cache's keys change with it).
FORMAT = "layerguide.autoencoder/2"


def save_checkpoint(path: str | Path, model: Autoencoder, info: dict[str, Any]) -> Path:
    """Write the model, its config and ``info`` (plain Python values) atomically."""
    payload = {
        "format": FORMAT,
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "info": info,
    }
    return atomic_write(path, lambda f: torch.save(payload, f))


def _read(path: Path) -> dict[str, Any]:
    """The payload of a checkpoint file of this :data:`FORMAT`."""
    if not path.is_file():
        raise DataError(f"load_checkpoint: no checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a damaged file
        raise DataError(f"load_checkpoint: {path} is not a readable checkpoint ({exc})") from exc
    found = payload.get("format") if isinstance(payload, dict) else None
    if isinstance(found, str) and found.startswith("layerguide.autoencoder/") and found != FORMAT:
        raise DataError(
            f"load_checkpoint: {path} is a {found} checkpoint from an older layerguide; "
            f"this version reads {FORMAT} (the architecture changed): train it again"
        )
    if not isinstance(payload, dict) or found != FORMAT:
        raise DataError(f"load_checkpoint: {path} is not a {FORMAT} checkpoint")
    return payload


def load_checkpoint(
    path: str | Path, expect: AutoencoderConfig | None = None
) -> tuple[Autoencoder, dict[str, Any]]:
    """Read a checkpoint written by :func:`save_checkpoint`; the model is in eval mode.

    Raises
    ------
    layerguide.errors.DataError
        The file is missing or not a layerguide checkpoint, its weights do not fit its
        config, or its config differs from ``expect``.
    """
    path = Path(path)
    payload = _read(path)
    try:
        config = AutoencoderConfig.from_dict(payload["config"])
    except (LayerguideError, TypeError, KeyError) as exc:
        raise DataError(f"load_checkpoint: {path} has a bad config ({exc})") from exc
    if expect is not None and expect != config:
        diff = ", ".join(
            f"{k}={v!r} (expected {getattr(expect, k)!r})"
            for k, v in vars(config).items()
            if getattr(expect, k) != v
        )
        raise DataError(f"load_checkpoint: {path} is from another config: {diff}")
    model = build_autoencoder(config)
    try:
        model.load_state_dict(payload["state_dict"])
    except (RuntimeError, KeyError, TypeError) as exc:
        raise DataError(f"load_checkpoint: {path} weights do not fit its config ({exc})") from exc
    return model.eval(), dict(payload.get("info") or {})
