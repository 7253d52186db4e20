"""IDX files: round trip, and clear errors for every way a file can be wrong."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layerguide.autoencoder.idx import encode_idx, parse_idx, read_idx_dir
from layerguide.errors import DataError


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(0, 5), min_size=1, max_size=4),
    dtype=st.sampled_from(["uint8", "int8", "int16", "int32", "float32", "float64"]),
    compress=st.booleans(),
)
def test_round_trip(shape: list[int], dtype: str, compress: bool) -> None:
    array = (np.arange(int(np.prod(shape))) % 100).astype(dtype).reshape(shape)
    raw = encode_idx(array)
    if compress:
        raw = gzip.compress(raw)
    back = parse_idx(raw)
    assert back.shape == array.shape
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


def test_magic_and_header() -> None:
    raw = encode_idx(np.zeros((3, 28, 28), np.uint8))
    assert raw[:4] == bytes([0, 0, 0x08, 3])
    assert raw[4:8] == (3).to_bytes(4, "big")
    assert len(raw) == 4 + 3 * 4 + 3 * 28 * 28


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x00\x00", "fewer than the 4-byte magic"),
        (b"\x01\x00\x08\x01" + b"\x00\x00\x00\x01" + b"\x07", "magic 01000801"),
        (b"\x00\x00\x07\x01" + b"\x00\x00\x00\x01" + b"\x07", "magic 00000701"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x01", "ends inside its header"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "truncated"),
        (b"\x00\x00\x08\x01\x00\x00\x00\x01\x01\x02", "extra data"),
        (b"\x1f\x8b\x08\x00garbage", "not a valid gzip stream"),
    ],
)
def test_bad_files(raw: bytes, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_idx(raw, name="x.idx")


def test_truncated_gzip() -> None:
    raw = gzip.compress(encode_idx(np.arange(1000, dtype=np.uint8)))
    with pytest.raises(DataError, match="gzip"):
        parse_idx(raw[: len(raw) // 2])


def test_damaged_data_is_a_value_error_and_an_os_error() -> None:
    assert issubclass(DataError, ValueError)
    assert issubclass(DataError, OSError)


def test_read_idx_dir(idx_dir: Path) -> None:
    images, labels = read_idx_dir(idx_dir, "train")
    assert images.shape == (96, 28, 28)
    assert images.dtype == np.uint8
    assert labels.shape == (96,)
    # unpacked files work too
    for p in idx_dir.iterdir():
        p.with_suffix("").write_bytes(gzip.decompress(p.read_bytes()))
        p.unlink()
    images2, _ = read_idx_dir(idx_dir, "train")
    np.testing.assert_array_equal(images, images2)


def test_read_idx_dir_missing_and_mismatched(idx_dir: Path) -> None:
    (idx_dir / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        read_idx_dir(idx_dir, "test")
    (idx_dir / "t10k-labels-idx1-ubyte.gz").write_bytes(encode_idx(np.zeros(5, np.uint8)))
    with pytest.raises(DataError, match="N = 32 images"):
        read_idx_dir(idx_dir, "test")
    (idx_dir / "t10k-labels-idx1-ubyte.gz").write_bytes(encode_idx(np.full(32, 12, np.uint8)))
    with pytest.raises(DataError, match="label 12 is not a digit"):
        read_idx_dir(idx_dir, "test")
