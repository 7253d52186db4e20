"""The chapters' trained autoencoders, exported for the page that runs them: one script file.

The explorer (``docs/_ext/explorer.py``, ``docs/_static/explorer.js``) runs the five
trained models of chapters 5 and 6 in the browser. :func:`chapter_models` reads them the
way the chapters do (``pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)``, from the
build's cache), so the page's numbers are the chapters' own; :func:`export_script` writes
them, with their :func:`~layerguide.autoencoder.program.program` and one MNIST test digit
per class, as one JavaScript file that both languages load.

The weights are stored as **float16**: the five models hold 1,174,588 numbers, 4.7 MB as
float32 but 2.35 MB as float16; as text (a ``<script>`` is the one way a page read from
``file://`` can load data; base64 adds a third) float32 would be 6.3 MB, over the explorer's
3 MB budget. The float16 bytes are regrouped (every low byte, then every high byte, which
repeat more), zlib-compressed (2.0 MB) and written in base85 (Python's
``base64.b85encode``: 5 characters for 4 bytes, none of them a quote or a backslash);
the page decodes them and inflates them with the browser's ``DecompressionStream``: 2.5 MB
in all. :func:`rounded` gives a model with the same
float16-rounded weights, the reference the page is compared with.

>>> len(first_of_each_class([3, 1, 1, 0, 2, 3]))
4
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch

from layerguide.autoencoder._files import atomic_write
from layerguide.autoencoder.cache import pretrained
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.decoders import DECODERS
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.program import program
from layerguide.autoencoder.train_config import PAGE_BUDGET
from layerguide.errors import ArgumentError

__all__ = [
    "DTYPE",
    "chapter_models",
    "export_data",
    "export_script",
    "first_of_each_class",
    "rounded",
    "unpack_weights",
    "weights_bytes",
]

#: How the weights travel (see the module docstring for why).
DTYPE = np.dtype("<f2")
#: Format of the exported data; the page refuses any other.
FORMAT = 1
#: The global the script sets (``window.layerguideExplorerData``).
GLOBAL = "layerguideExplorerData"


def chapter_models(
    cache: str | Path | None = None,
) -> dict[str, tuple[Autoencoder, dict[str, Any]]]:
    """The five trained models of chapter 6 (chapter 5's is ``"transpose"``), in eval mode.

    Exactly the chapters' call, so a built site's explorer runs the chapters' weights.
    """
    out = {}
    for name in DECODERS:
        model, info = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET, cache=cache)
        out[name] = (model.eval(), info)
    return out


def first_of_each_class(labels: Iterable[int]) -> list[int]:
    """The index of the first digit of each class, in class order."""
    first: dict[int, int] = {}
    for i, label in enumerate(labels):
        first.setdefault(int(label), i)
    return [first[c] for c in sorted(first)]


def _tensors(model: Autoencoder) -> dict[str, torch.Tensor]:
    """The float tensors of the state dict (not batch norm's step counter)."""
    return {k: v for k, v in model.state_dict().items() if v.is_floating_point()}


def rounded(model: Autoencoder) -> Autoencoder:
    """A copy of ``model`` (eval mode) whose tensors went through float16 and back."""
    twin = copy.deepcopy(model).eval()
    with torch.no_grad():
        for t in _tensors(twin).values():
            t.copy_(t.to(torch.float16).to(t.dtype))
    return twin


def export_data(
    models: Mapping[str, Autoencoder], images: np.ndarray, labels: np.ndarray
) -> tuple[dict[str, Any], bytes]:
    """The page's data (models, steps, digits) and the packed weights.

    ``images`` (N, 1, 28, 28) in [0, 1] and ``labels`` are MNIST's test split; each digit
    is sent as its 0–255 grey levels (the page divides by 255 in float32, as MNIST's
    loader did). Returns ``(meta, packed)``: ``packed`` is zlib of the float16 bytes, every
    low byte first, then every high byte.
    """
    unknown = set(models) - set(DECODERS)
    if unknown:
        raise ArgumentError(f"export_data: unknown decoders {sorted(unknown)}")
    chunks: list[np.ndarray] = []
    offset = 0
    meta_models: dict[str, Any] = {}
    for name, model in models.items():
        tensors = {}
        for key, t in _tensors(model).items():
            values = t.detach().cpu().numpy().astype(DTYPE).ravel()
            tensors[key] = [offset, list(t.shape)]
            chunks.append(values)
            offset += values.size
        meta_models[name] = {
            "tensors": tensors,
            "steps": [s.to_json() for s in program(model)],
        }
    flat = np.concatenate(chunks).view(np.uint8).reshape(-1, 2)  # (count, 2) little-endian
    packed = zlib.compress(flat.T.tobytes(), 9)
    images = np.asarray(images, dtype=np.float32)
    levels = np.rint(images.astype(np.float64) * 255).astype(np.int64)
    if not np.array_equal((levels / 255).astype(np.float32), images):
        raise ArgumentError("export_data: images must be 0–255 grey levels divided by 255")
    digits = [
        {"index": i, "label": int(labels[i]), "levels": levels[i].ravel().tolist()}
        for i in first_of_each_class(labels)
    ]
    meta = {
        "format": FORMAT,
        "dtype": "float16",
        "count": offset,
        "models": meta_models,
        "digits": digits,
    }
    return meta, packed


def unpack_weights(packed: bytes, count: int) -> np.ndarray:
    """Inverse of the packing in :func:`export_data`: ``count`` float16 values."""
    raw = np.frombuffer(zlib.decompress(packed), dtype=np.uint8)
    if raw.size != 2 * count:
        raise ArgumentError(f"unpack_weights: {raw.size} bytes for {count} float16 values")
    return np.ascontiguousarray(raw.reshape(2, count).T).view(DTYPE).ravel()


def weights_bytes(text: str, size: int) -> bytes:
    """The packed weights from the script's base85 text (``size`` bytes, padding dropped)."""
    return base64.b85decode(text)[:size]


def export_script(
    path: str | Path,
    models: Mapping[str, Autoencoder],
    images: np.ndarray,
    labels: np.ndarray,
) -> str:
    """Write the page's data as a script that sets ``window.layerguideExplorerData``.

    Writes only when the content changed (atomically); returns a short hash of it.
    """
    meta, packed = export_data(models, images, labels)
    meta["packed"] = len(packed)
    meta["weights"] = base64.b85encode(packed, pad=True).decode("ascii")
    body = json.dumps(meta, separators=(",", ":"))
    text = f"window.{GLOBAL} = {body};\n".encode()
    path = Path(path)
    if not path.is_file() or path.read_bytes() != text:
        atomic_write(path, lambda f: f.write(text))
        path.chmod(0o644)  # a published file, readable by the web server
    return hashlib.sha256(text).hexdigest()[:12]
