"""Training: reproducible, budgets checked, checkpoints safe, the training cache reused."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from tests.autoencoder.helpers import fake_digits

from layerguide import LayerguideError
from layerguide.autoencoder import (
    AutoencoderConfig,
    Metrics,
    TrainConfig,
    build_autoencoder,
    evaluate,
    load_checkpoint,
    pretrained,
    save_checkpoint,
    summary_line,
    train,
)
from layerguide.autoencoder import cache as cache_module
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.parallel import Copies
from layerguide.errors import DataError

SMALL = (4, 4, 8)


def _first_running_mean(model: Autoencoder) -> torch.Tensor:
    """The running mean of the encoder's first batch norm."""
    norm = model.encoder.stages[0].norm
    assert isinstance(norm, torch.nn.BatchNorm2d)
    assert norm.running_mean is not None
    return norm.running_mean


@pytest.fixture(scope="module")
def images() -> torch.Tensor:
    x, _ = fake_digits(64, seed=3)
    return torch.from_numpy(x).float().div(255).unsqueeze(1)


@pytest.mark.parametrize(
    ("decoder", "threads"), [("max_unpool", 2), ("transpose", 2), ("transpose", 1), ("fc", 3)]
)
def test_same_seed_same_numbers(images: torch.Tensor, decoder: str, threads: int) -> None:
    widths = None if decoder == "max_unpool" else (8, 4)
    cfg = AutoencoderConfig(decoder=decoder, channels=SMALL, decoder_channels=widths)
    budget = TrainConfig(steps=4, batch_size=16, seed=7, threads=threads)
    a, b = train(cfg, budget, images), train(cfg, budget, images)
    for (name, p), q in zip(
        a.model.state_dict().items(), b.model.state_dict().values(), strict=True
    ):
        assert torch.equal(p, q), name
    assert evaluate(a.model, images) == evaluate(b.model, images)
    c = train(cfg, TrainConfig(steps=4, batch_size=16, seed=8, threads=threads), images)
    assert evaluate(c.model, images) != evaluate(a.model, images)


@pytest.mark.parametrize(("n_copies", "batch"), [(2, 16), (2, 15), (3, 14)])
def test_copies_add_up_to_the_whole_batch_gradient(
    images: torch.Tensor, n_copies: int, batch: int
) -> None:
    """Splitting a batch between model copies gives the batch-mean loss and its gradient.

    In eval mode BatchNorm uses its running statistics, so the split changes no number
    except by float rounding; the parts may differ in size (15 → 8 + 7).
    """
    torch.manual_seed(0)
    model = build_autoencoder(AutoencoderConfig(decoder="max_unpool", channels=SMALL)).eval()
    x = images[:batch]
    whole = Copies(model, 1)
    expected_loss = whole.gradients(x)
    expected = [p.grad.clone() for p in model.parameters()]
    mean_bce = torch.nn.functional.binary_cross_entropy_with_logits(model(x), x)
    torch.testing.assert_close(expected_loss, mean_bce)
    split = Copies(model, n_copies)
    try:
        loss = split.gradients(x)
        assert all(p.grad is not None for m in split.params for p in m)
        torch.testing.assert_close(loss, expected_loss, rtol=1e-5, atol=0)
        for got, want in zip((p.grad for p in split.params[0]), expected, strict=True):
            torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-8)
        with torch.no_grad():
            for p in split.params[0]:
                p.add_(1.0)
        split.sync()
        for params in split.params[1:]:
            for a, b in zip(params, split.params[0], strict=True):
                assert torch.equal(a, b)
        for k, m in enumerate(split.models):  # running statistics are averaged on close
            _first_running_mean(m).fill_(float(k))
    finally:
        merged = split.close()
    assert merged is model
    want_mean = sum(range(n_copies)) / n_copies
    assert torch.all(_first_running_mean(model) == want_mean)


def test_training_lowers_the_loss(images: torch.Tensor) -> None:
    cfg = AutoencoderConfig(decoder="nearest", channels=SMALL)
    before = evaluate(build_autoencoder(cfg), images)
    result = train(cfg, TrainConfig(epochs=3, batch_size=16, lr=1e-2), images)
    assert result.steps == 12
    assert result.images_seen == 12 * 16
    after = evaluate(result.model, images)
    assert after.bce < before.bce
    assert not result.model.training


def test_time_budget_runs_at_least_one_step(images: torch.Tensor) -> None:
    result = train(AutoencoderConfig(channels=SMALL), TrainConfig(max_seconds=1e-9), images)
    assert result.steps >= 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_seconds": 0}, "max_seconds must be > 0, got 0"),
        ({"max_seconds": -1.0}, "max_seconds must be > 0"),
        ({"epochs": math.inf}, "epochs must be finite"),
        ({"steps": 2.5}, "steps must be an int"),
        ({}, "give exactly one of epochs, steps, max_seconds"),
        ({"steps": 3, "epochs": 1}, "give exactly one of"),
        ({"steps": 3, "batch_size": 0}, "batch_size must be an int >= 1"),
        ({"steps": 3, "warmup": 1.0}, "0 <= warmup < 1"),
    ],
)
def test_bad_budgets(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        TrainConfig(**kwargs)
    assert isinstance(info.value, LayerguideError)


def test_bad_images() -> None:
    with pytest.raises(ValueError, match=r"float32 \(N, 1, 28, 28\)"):
        train(AutoencoderConfig(), TrainConfig(steps=1), np.zeros((4, 28, 28), np.float32))


def test_summary_line_format() -> None:
    line = summary_line(Metrics(0.0712345, 0.00234567), AutoencoderConfig(), 12345, 60.04)
    assert line == "test_bce=0.071235 test_mse=0.002346 code_size=128 params=12345 seconds=60.0"


def test_checkpoint_round_trip(tmp_path: Path, images: torch.Tensor) -> None:
    model = build_autoencoder(decoder="fc", channels=SMALL, fc_hidden=16)
    path = save_checkpoint(tmp_path / "ae.pt", model, {"seconds": 1.5})
    back, info = load_checkpoint(path)
    assert info == {"seconds": 1.5}
    assert back.config == model.config
    assert evaluate(back, images) == evaluate(model, images)


def test_checkpoint_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no checkpoint at"):
        load_checkpoint(tmp_path / "missing.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"\x00garbage")
    with pytest.raises(DataError, match="not a readable checkpoint"):
        load_checkpoint(junk)
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(1)}, other)
    with pytest.raises(DataError, match=r"not a layerguide\.autoencoder/2 checkpoint"):
        load_checkpoint(other)
    old = tmp_path / "old.pt"
    torch.save({"format": "layerguide.autoencoder/1", "config": {}, "state_dict": {}}, old)
    with pytest.raises(DataError, match=r"older layerguide; this version reads .*/2"):
        load_checkpoint(old)
    path = save_checkpoint(tmp_path / "fc.pt", build_autoencoder(decoder="fc", channels=SMALL), {})
    with pytest.raises(DataError, match=r"another config: decoder='fc' \(expected 'nearest'\)"):
        load_checkpoint(path, expect=AutoencoderConfig(decoder="nearest", channels=SMALL))


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_checkpoint(tmp_path / "ae.pt", build_autoencoder(channels=SMALL), {"v": 1})
    before = path.read_bytes()

    def broken_save(obj: object, f: object) -> None:
        f.write(b"half a checkpoint")  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, build_autoencoder(channels=SMALL), {"v": 2})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ae.pt"]


def test_pretrained_trains_once(
    tmp_path: Path, images: torch.Tensor, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = AutoencoderConfig(decoder="bed_of_nails", channels=SMALL)
    budget = TrainConfig(steps=2, batch_size=16)
    kwargs = {"train_images": images, "test_images": images, "data": "fake", "cache": tmp_path}
    model, info = pretrained(cfg, budget, **kwargs)
    assert info["steps"] == 2
    assert set(info) >= {"test_bce", "test_mse", "params", "seconds"}

    def no_training(*args: object, **kw: object) -> None:
        raise AssertionError("trained again")

    monkeypatch.setattr(cache_module, "train", no_training)
    again, info2 = pretrained(cfg, budget, **kwargs)
    assert info2 == info
    assert evaluate(again, images) == evaluate(model, images)
    # another budget is another entry
    with pytest.raises(AssertionError, match="trained again"):
        pretrained(cfg, TrainConfig(steps=3, batch_size=16), **kwargs)
