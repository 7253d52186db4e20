"""``layerguide autoencoder train|eval`` on a tiny fake MNIST (IDX files in a tmp folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layerguide.cli import main

LAST_LINE = re.compile(
    r"^test_bce=(\d+\.\d+) test_mse=(\d+\.\d+) code_size=(\d+) params=(\d+) seconds=(\d+\.\d+)$"
)
QUICK = ["--steps", "3", "--batch-size", "16", "--no-progress", "--threads", "1"]


@pytest.fixture(autouse=True)
def _fake_mnist(idx_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAYERGUIDE_MNIST_DIR", str(idx_dir))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["autoencoder", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_then_eval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ckpt = tmp_path / "ae.pt"
    code, out, err = run(capsys, "train", "--decoder", "transpose", *QUICK, "--out", str(ckpt))
    assert code == 0, err
    trained = out.strip().splitlines()[-1]
    match = LAST_LINE.match(trained)
    assert match, trained
    assert match.group(3) == "128"
    assert "data: idx" in err
    code, out, err = run(capsys, "eval", str(ckpt))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == trained  # same numbers, same line


def test_same_seed_same_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for name in ("a.pt", "b.pt"):
        code, out, err = run(
            capsys, "train", "--decoder", "fc", *QUICK, "--out", str(tmp_path / name)
        )
        assert code == 0, err
        lines.append(out.split()[:4])  # everything but the seconds
    assert lines[0] == lines[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--decoder", "bilinear"],
            "unknown decoder 'bilinear'; valid names are nearest, bed_of_nails",
        ),
        (["--code-size", "100"], "code_size 100 does not fit the encoder"),
        (["--max-seconds", "0"], "max_seconds must be > 0, got 0.0"),
        (["--steps", "2", "--train-limit", "0"], "--train-limit must be >= 1"),
    ],
)
def test_bad_train_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out_file = tmp_path / "ae.pt"
    code, _, err = run(capsys, "train", *argv, "--out", str(out_file))
    assert code == 2
    assert message in err
    assert err.startswith("layerguide: error: ")
    assert not out_file.exists()


def test_existing_checkpoint_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ckpt = tmp_path / "ae.pt"
    assert run(capsys, "train", "--decoder", "fc", *QUICK, "--out", str(ckpt))[0] == 0
    before = ckpt.read_bytes()
    code, _, err = run(capsys, "train", "--decoder", "nearest", *QUICK, "--out", str(ckpt))
    assert code == 2
    assert "exists (a checkpoint); pass --overwrite" in err
    assert ckpt.read_bytes() == before
    code, _, err = run(capsys, "eval", str(ckpt), "--decoder", "nearest")
    assert code == 2
    assert "another config: decoder='fc' (expected 'nearest')" in err
    code, _, _ = run(
        capsys, "train", "--decoder", "nearest", *QUICK, "--out", str(ckpt), "--overwrite"
    )
    assert code == 0
    assert ckpt.read_bytes() != before


def test_eval_missing_and_corrupt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "eval", str(tmp_path / "nope.pt"))
    assert (code, "no checkpoint at" in err) == (2, True)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"PK\x03\x04 truncated zip")
    code, _, err = run(capsys, "eval", str(bad))
    assert (code, "not a readable checkpoint" in err) == (2, True)
    assert bad.read_bytes() == b"PK\x03\x04 truncated zip"


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["autoencoder", "train", "--help"])
    out = capsys.readouterr().out
    for flag in ("--decoder", "--epochs", "--max-seconds", "--seed", "--device", "--out"):
        assert flag in out
