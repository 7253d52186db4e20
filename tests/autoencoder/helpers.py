"""Tiny fake MNIST as IDX bytes, and the state of a local HTTP mirror."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field

import numpy as np

from layerguide.autoencoder.idx import FILES, encode_idx


def fake_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` blurry 28×28 uint8 "digits" (a bright blob per label) and their labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    yy, xx = np.mgrid[0:28, 0:28]
    cy = 8 + (labels % 4) * 4
    cx = 8 + (labels // 4) * 5
    blob = np.exp(-((yy - cy[:, None, None]) ** 2 + (xx - cx[:, None, None]) ** 2) / 18.0)
    noise = rng.random((n, 28, 28)) * 0.1
    images = np.clip((blob + noise) * 255, 0, 255).astype(np.uint8)
    return images, labels


def fake_files(n_train: int = 96, n_test: int = 32) -> dict[str, bytes]:
    """The four gzip-compressed IDX files of a tiny fake MNIST."""
    out = {}
    for split, n, seed in (("train", n_train, 1), ("test", n_test, 2)):
        images, labels = fake_digits(n, seed)
        img_name, lbl_name = FILES[split]
        out[img_name] = gzip.compress(encode_idx(images), mtime=0)
        out[lbl_name] = gzip.compress(encode_idx(labels), mtime=0)
    return out


def md5s(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.md5(data).hexdigest() for name, data in files.items()}


@dataclass
class Mirror:
    """A local HTTP server that serves ``files``.

    ``failures[name]`` answers 500 that many times before success; ``delay`` seconds pass
    before any answer; ``cut[name]`` sends only that many bytes of a file (with the full
    Content-Length) and closes the connection.
    """

    files: dict[str, bytes]
    failures: dict[str, int] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)
    url: str = ""
