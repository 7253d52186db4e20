"""The encoder, the five decoders and the upsampling operations."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from layerguide import LayerguideError
from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    AutoencoderConfig,
    Code,
    bed_of_nails,
    build_autoencoder,
    max_unpool,
    nearest,
)

SMALL = (4, 4, 8)  # channels small enough for quick tests


@pytest.mark.parametrize("decoder", list(DECODERS))
@pytest.mark.parametrize("code_size", [16, 128, 256])
def test_shapes(decoder: str, code_size: int) -> None:
    model = build_autoencoder(decoder=decoder, code_size=code_size, channels=SMALL)
    x = torch.rand(3, 1, 28, 28)
    code = model.encode(x)
    assert code.values.shape == (3, code_size // 16, 4, 4)
    assert code.values.numel() // 3 == code_size
    assert [tuple(i.shape[2:]) for i in code.indices] == [(14, 14), (7, 7), (4, 4)]
    assert model(x).shape == (3, 1, 28, 28)


def test_families_cover_the_lesson() -> None:
    assert set(DECODER_FAMILIES) == set(DECODERS)
    assert set(DECODER_FAMILIES.values()) == {
        "fully connected",
        "upsampling",
        "transposed convolution",
    }


@pytest.mark.parametrize("decoder", [d for d in DECODERS if d != "max_unpool"])
def test_only_the_code_reaches_the_decoder(decoder: str) -> None:
    """Replacing the pooling indices with garbage changes nothing, except for max_unpool."""
    model = build_autoencoder(decoder=decoder, channels=SMALL).eval()
    x = torch.rand(2, 1, 28, 28)
    code = model.encode(x)
    garbage = Code(code.values, tuple(torch.zeros_like(i) for i in code.indices))
    torch.testing.assert_close(model.decode(garbage), model(x), rtol=0, atol=0)


def test_max_unpool_uses_the_indices() -> None:
    model = build_autoencoder(decoder="max_unpool", channels=SMALL).eval()
    x = torch.rand(2, 1, 28, 28)
    code = model.encode(x)
    garbage = Code(code.values, tuple(torch.zeros_like(i) for i in code.indices))
    assert not torch.equal(model.decode(garbage), model(x))


def test_unknown_decoder_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown decoder 'bilinear'") as info:
        AutoencoderConfig(decoder="bilinear")
    assert isinstance(info.value, LayerguideError)
    for name in DECODERS:
        assert name in str(info.value)


@pytest.mark.parametrize("code_size", [0, -16, 100, 8, 12.5, True])
def test_code_size_must_fit(code_size: object) -> None:
    with pytest.raises(ValueError, match="does not fit the encoder"):
        AutoencoderConfig(code_size=code_size)


def test_decoder_widths() -> None:
    assert AutoencoderConfig().decoder_widths == (128, 32)
    for name in ("nearest", "bed_of_nails", "max_unpool", "fc"):
        assert AutoencoderConfig(decoder=name, channels=(8, 24, 40)).decoder_widths == (24, 8)
    cfg = AutoencoderConfig(decoder="nearest", decoder_channels=[48, 12])
    assert cfg.decoder_channels == (48, 12)
    model = build_autoencoder(cfg)
    assert model(torch.rand(2, 1, 28, 28)).shape == (2, 1, 28, 28)
    widths = [m.out_channels for m in model.decoder.modules() if isinstance(m, nn.Conv2d)]
    assert widths == [96, 48, 12, 1]  # from the code to c3, then the two widths, then 1
    transposed = build_autoencoder(decoder="transpose", decoder_channels=(24, 6))
    assert [
        m.out_channels for m in transposed.decoder.modules() if isinstance(m, nn.ConvTranspose2d)
    ] == [24, 6, 1]


@pytest.mark.parametrize("bad", [(8,), (8, 0), (8, 4, 2), (True, 4), (8.0, 4)])
def test_decoder_channels_must_be_two_positive_ints(bad: object) -> None:
    with pytest.raises(ValueError, match=r"decoder_channels must be 2 positive ints, got"):
        AutoencoderConfig(decoder_channels=bad)


def test_max_unpool_must_mirror_the_encoder() -> None:
    with pytest.raises(ValueError, match=r"decoder_channels must be \(64, 16\) .* got \(128, 32\)"):
        AutoencoderConfig(decoder="max_unpool", decoder_channels=(128, 32))
    assert AutoencoderConfig(decoder="max_unpool", decoder_channels=(64, 16)).decoder_widths == (
        64,
        16,
    )


def test_config_dict_round_trip() -> None:
    cfg = AutoencoderConfig(decoder="fc", code_size=64, channels=(8, 8, 16), fc_hidden=32)
    assert AutoencoderConfig.from_dict(cfg.to_dict()) == cfg
    cfg = AutoencoderConfig(decoder="nearest", decoder_channels=(24, 6))
    assert AutoencoderConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ValueError, match="unknown keys"):
        AutoencoderConfig.from_dict({**cfg.to_dict(), "colour": "red"})
    with pytest.raises(ValueError, match="channels must be 3 positive ints"):
        AutoencoderConfig(channels=(8, 8))


def test_upsampling_ops_on_2x2() -> None:
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert nearest(x, 4)[0, 0].tolist() == [
        [1, 1, 2, 2],
        [1, 1, 2, 2],
        [3, 3, 4, 4],
        [3, 3, 4, 4],
    ]
    assert bed_of_nails(x, 4)[0, 0].tolist() == [
        [1, 0, 2, 0],
        [0, 0, 0, 0],
        [3, 0, 4, 0],
        [0, 0, 0, 0],
    ]
    # crop for the 4 → 7 step (ceil-mode pooling made 7 → 4)
    assert nearest(x, 3).shape == (1, 1, 3, 3)


@settings(max_examples=30, deadline=None)
@given(size=st.integers(2, 15), channels=st.integers(1, 3), seed=st.integers(0, 100))
def test_max_unpool_matches_torch(size: int, channels: int, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(2, channels, size, size, generator=gen)
    pooled, idx = nn.MaxPool2d(2, ceil_mode=True, return_indices=True)(x)
    ours = max_unpool(pooled, idx, size)
    # reference: repeat each value over its 2×2 cell, keep it where the index points
    grow = pooled.repeat_interleave(2, 2).repeat_interleave(2, 3)[:, :, :size, :size]
    where = idx.repeat_interleave(2, 2).repeat_interleave(2, 3)[:, :, :size, :size]
    expected = grow * (where == torch.arange(size * size).view(size, size))
    torch.testing.assert_close(ours, expected, rtol=0, atol=0)
    # every value lands where it came from in x
    assert torch.equal(ours[ours != 0], x[ours != 0])
    # and it is what torch's own max_unpool2d gives
    torch.testing.assert_close(
        ours,
        nn.functional.max_unpool2d(pooled, idx, (2, 2), output_size=(size, size)),
        rtol=0,
        atol=0,
    )


def test_max_unpool_keeps_determinism_on() -> None:
    torch.use_deterministic_algorithms(True)
    try:
        pooled, idx = nn.MaxPool2d(2, return_indices=True)(torch.rand(1, 1, 4, 4))
        max_unpool(pooled.requires_grad_(), idx, 4).sum().backward()
        assert torch.are_deterministic_algorithms_enabled()
    finally:
        torch.use_deterministic_algorithms(False)


def test_param_counts_are_reported() -> None:
    for name in DECODERS:
        model = build_autoencoder(decoder=name)
        assert model.n_params() == sum(p.numel() for p in model.parameters())
