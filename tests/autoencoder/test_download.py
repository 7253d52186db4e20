"""The download path against a local HTTP mirror on 127.0.0.1 (never the network)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.autoencoder.helpers import Mirror, fake_files, md5s

from layerguide.autoencoder import load_mnist
from layerguide.autoencoder.idx import MD5, DownloadError, download_idx


def _fast(mirror: Mirror, **kwargs: object) -> dict[str, object]:
    return {"mirrors": [mirror.url], "checksums": md5s(mirror.files), "backoff": 0.0, **kwargs}


def test_checksums_are_torchvisions() -> None:
    # torchvision/datasets/mnist.py, MNIST.resources (MD5 of the .gz files)
    assert MD5["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert MD5["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"
    assert len(MD5) == 4


def test_download_verified(mirror: Mirror, tmp_path: Path) -> None:
    paths = download_idx(tmp_path / "raw", "test", **_fast(mirror))
    assert [p.name for p in paths] == ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert paths[0].read_bytes() == mirror.files[paths[0].name]
    # a second call finds verified files and asks the mirror for nothing
    count = len(mirror.requests)
    download_idx(tmp_path / "raw", "test", **_fast(mirror))
    assert len(mirror.requests) == count


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_bad_file_leaves_nothing(mirror: Mirror, tmp_path: Path, damage: str) -> None:
    good = fake_files()
    name = "t10k-images-idx3-ubyte.gz"
    data = good[name]
    mirror.files[name] = (
        data[: len(data) // 2] if damage == "truncated" else data[:-8] + b"XXXXXXXX"
    )
    raw = tmp_path / "raw"
    with pytest.raises(DownloadError, match=r"md5 [0-9a-f]{32} != expected") as info:
        download_idx(raw, "test", **_fast(mirror, checksums=md5s(good), retries=2))
    assert "truncated or corrupted" in str(info.value)
    assert mirror.requests.count(name) == 2  # retried
    assert not (raw / name).exists()
    assert not raw.exists() or list(raw.iterdir()) == []  # no temporary leftovers either


def test_retry_after_server_error(mirror: Mirror, tmp_path: Path) -> None:
    mirror.failures["t10k-labels-idx1-ubyte.gz"] = 2
    download_idx(tmp_path, "test", **_fast(mirror, retries=3))
    assert mirror.requests.count("t10k-labels-idx1-ubyte.gz") == 3


def test_second_mirror(mirror: Mirror, tmp_path: Path) -> None:
    dead = "http://127.0.0.1:9/nothing/"  # port 9 (discard): connection refused
    download_idx(tmp_path, "test", **_fast(mirror, mirrors=[dead, mirror.url], retries=1))
    assert (tmp_path / "t10k-images-idx3-ubyte.gz").is_file()


def test_all_mirrors_fail_lists_attempts(mirror: Mirror, tmp_path: Path) -> None:
    sums = md5s(mirror.files)
    mirror.files.pop("t10k-images-idx3-ubyte.gz")
    with pytest.raises(DownloadError) as info:
        download_idx(tmp_path, "test", **_fast(mirror, checksums=sums, retries=2))
    text = str(info.value)
    assert "t10k-images-idx3-ubyte.gz" in text
    assert text.count("404") == 2


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="split must be one of"):
        download_idx(tmp_path, "validation")
    with pytest.raises(ValueError, match="retries must be >= 1"):
        download_idx(tmp_path, "test", retries=0)


def test_load_mnist_downloads_and_caches(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch, cache_root: Path
) -> None:
    from layerguide.autoencoder import idx

    monkeypatch.setattr(idx, "MD5", md5s(mirror.files))
    monkeypatch.setenv("LAYERGUIDE_MNIST_MIRRORS", mirror.url)
    monkeypatch.setenv("LAYERGUIDE_MNIST_DOWNLOAD", "1")
    first = load_mnist("test")
    assert first.source == "download"
    assert first.images.shape == (32, 1, 28, 28)
    assert first.images.dtype == np.float32
    assert first.labels.dtype == np.int64
    assert (cache_root / "mnist" / "test.npz").is_file()
    second = load_mnist("test")
    assert second.source == "cache"
    np.testing.assert_array_equal(first.images, second.images)


def test_load_mnist_corrupt_download_writes_no_cache(
    mirror: Mirror, monkeypatch: pytest.MonkeyPatch, cache_root: Path
) -> None:
    from layerguide.autoencoder import idx

    monkeypatch.setattr(idx, "MD5", md5s(mirror.files))
    name = "t10k-labels-idx1-ubyte.gz"
    mirror.files[name] = mirror.files[name][:-3]
    with pytest.raises(DownloadError):
        load_mnist("test", download=True, mirrors=[mirror.url])
    assert not (cache_root / "mnist" / "test.npz").exists()
