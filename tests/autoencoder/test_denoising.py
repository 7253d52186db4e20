"""The denoising autoencoder's training: noisy inputs, clean targets, old cache keys kept.

Small fake digits only, so these run everywhere without MNIST.
"""

from __future__ import annotations

import math
from dataclasses import asdict, replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tests.autoencoder.helpers import fake_digits

from layerguide import LayerguideError
from layerguide.autoencoder import (
    DENOISE_BUDGET,
    PAGE_BUDGET,
    AutoencoderConfig,
    TrainConfig,
    add_noise,
    build_autoencoder,
    cache_key,
    evaluate,
    train,
)
from layerguide.autoencoder.parallel import Copies

SMALL = (4, 4, 8)


@pytest.fixture(scope="module")
def images() -> torch.Tensor:
    x, _ = fake_digits(48, seed=5)
    return torch.from_numpy(x).float().div(255).unsqueeze(1)


def _generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_add_noise_is_gaussian_clipped_and_reproducible() -> None:
    grey = torch.full((64, 1, 28, 28), 0.5)
    noisy = add_noise(grey, 0.1, generator=_generator())
    assert noisy.dtype == torch.float32
    assert noisy.shape == grey.shape
    assert torch.equal(noisy, add_noise(grey, 0.1, generator=_generator()))
    assert not torch.equal(noisy, add_noise(grey, 0.1, generator=_generator(1)))
    # at 0.5 ± 0.1 almost nothing is clipped: the noise's spread is the std asked for
    assert abs(float((noisy - grey).std()) - 0.1) < 0.002
    assert abs(float((noisy - grey).mean())) < 0.002
    wide = add_noise(grey, 5.0, generator=_generator())
    assert float(wide.min()) == 0.0
    assert float(wide.max()) == 1.0
    assert torch.equal(grey, torch.full((64, 1, 28, 28), 0.5))  # the input is not changed
    assert torch.equal(add_noise(grey, 0, generator=_generator()), grey)


@pytest.mark.parametrize("std", [-0.1, math.nan, math.inf, True, "0.5"])
def test_bad_noise_is_refused(std: object) -> None:
    with pytest.raises(LayerguideError, match="noise must be") as info:
        TrainConfig(steps=1, noise=std)
    assert isinstance(info.value, ValueError)
    with pytest.raises(LayerguideError, match="add_noise: noise must be"):
        add_noise(torch.zeros(1, 1, 28, 28), std, generator=_generator())


def test_old_cache_keys_are_unchanged() -> None:
    """The models cached before ``noise`` existed keep their keys (the docs build reuses them)."""
    key = cache_key(AutoencoderConfig(), PAGE_BUDGET, "mnist-train")
    assert key == "88e42bd750c4af8c"  # the key of chapter 5's model before this field existed
    assert cache_key(AutoencoderConfig(), replace(PAGE_BUDGET, noise=0.0), "mnist-train") == key
    assert cache_key(AutoencoderConfig(), DENOISE_BUDGET, "mnist-train") != key
    assert asdict(DENOISE_BUDGET) == asdict(PAGE_BUDGET) | {"noise": 0.5}


def test_copies_compare_with_the_target(images: torch.Tensor) -> None:
    torch.manual_seed(0)
    model = build_autoencoder(AutoencoderConfig(channels=SMALL)).eval()
    clean = images[:8]
    noisy = add_noise(clean, 0.5, generator=_generator())
    copies = Copies(model, 1)
    loss = copies.gradients(noisy, clean)
    torch.testing.assert_close(loss, F.binary_cross_entropy_with_logits(model(noisy), clean))
    assert float(loss) != float(Copies(model, 1).gradients(noisy))  # not scored against itself


def test_denoising_training_is_reproducible_and_differs_from_plain(images: torch.Tensor) -> None:
    cfg = AutoencoderConfig(channels=SMALL, decoder_channels=(8, 4))
    noisy_budget = TrainConfig(steps=3, batch_size=16, noise=0.5)
    a, b = train(cfg, noisy_budget, images), train(cfg, noisy_budget, images)
    assert math.isfinite(a.final_loss)
    for name, p in a.model.state_dict().items():
        assert torch.equal(p, b.model.state_dict()[name]), name
    plain = train(cfg, replace(noisy_budget, noise=0.0), images)
    assert evaluate(plain.model, images) != evaluate(a.model, images)


def test_evaluate_with_other_inputs(images: torch.Tensor) -> None:
    model = build_autoencoder(AutoencoderConfig(channels=SMALL)).eval()
    assert evaluate(model, images, inputs=images) == evaluate(model, images)
    noisy = add_noise(images, 0.5, generator=_generator())
    with torch.no_grad():
        logits = model(noisy)
    expected = F.binary_cross_entropy_with_logits(logits, images).item()
    assert evaluate(model, images, inputs=noisy).bce == pytest.approx(expected, rel=1e-5)
    with pytest.raises(LayerguideError, match="evaluate: inputs"):
        evaluate(model, images, inputs=images[:3])
    with pytest.raises(LayerguideError, match="evaluate"):
        evaluate(model, images, inputs=np.zeros((2, 28, 28), dtype=np.float32))
