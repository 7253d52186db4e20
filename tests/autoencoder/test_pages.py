"""The numbers chapters 5 and 6 quote, recomputed here."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from layerguide.autoencoder.models import AutoencoderConfig, build_autoencoder, max_unpool
from layerguide.autoencoder.train import PAGE_BUDGET

GALLERY = Path(__file__).parents[2] / "gallery"
PAGE_5 = "plot_05_autoencoder.py"
PAGE_6 = "plot_06_decoders.py"


def test_code_is_8_by_4_by_4() -> None:
    config = AutoencoderConfig()
    assert config.code_size == 128 == 8 * 4 * 4
    assert config.code_channels == 8
    code = build_autoencoder(config).encode(torch.zeros(1, 1, 28, 28)).values
    assert tuple(code.shape) == (1, 8, 4, 4)
    assert f"{784 / config.code_size:.2f}" == "6.12"
    c3, cc = config.channels[-1], config.code_channels
    assert f"mixes the {c3} channels down to {cc}" in (GALLERY / "en" / PAGE_5).read_text()
    assert f"채널 {c3}개를 {cc}개로" in (GALLERY / "ko" / PAGE_5).read_text()
    assert config.decoder == "transpose"  # chapter 5 describes the default decoder


def test_transposed_decoder_is_wider_as_chapter_6_says() -> None:
    (d7, d14), (m7, m14) = (
        AutoencoderConfig().decoder_widths,
        AutoencoderConfig(decoder="nearest").decoder_widths,
    )
    en = " ".join((GALLERY / "en" / PAGE_6).read_text().replace("#", "").split())
    ko = " ".join((GALLERY / "ko" / PAGE_6).read_text().replace("#", "").split())
    assert f"({d7} and {d14} channels at 7 × 7 and 14 × 14, not {m7} and {m14})" in en
    assert f"(7 × 7에서 {m7}개 대신 {d7}개, 14 × 14에서 {m14}개 대신 {d14}개)" in ko


def test_encoder_sizes_28_14_7_4() -> None:
    model = build_autoencoder()
    sizes = [idx.shape[-1] for idx in model.encode(torch.zeros(1, 1, 28, 28)).indices]
    assert sizes == [14, 7, 4]


def test_page_budget_is_short_and_step_based() -> None:
    assert PAGE_BUDGET.steps is not None
    assert PAGE_BUDGET.max_seconds is None  # reproducible: both languages share one model
    assert PAGE_BUDGET.steps * PAGE_BUDGET.batch_size <= 20_000


def test_max_unpool_example() -> None:
    before = torch.tensor(
        [[[[0.1, 0.5, 0.2, 0.0], [1.0, 0.3, 0.4, 2.0], [0.2, 3.0, 0.1, 0.3], [0.0, 0.1, 4.0, 0.2]]]]
    )
    pooled, indices = nn.MaxPool2d(2, return_indices=True)(before)
    assert pooled[0, 0].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert indices[0, 0].tolist() == [[4, 7], [9, 14]]
    out = max_unpool(pooled, indices, 4)[0, 0]
    assert out.tolist() == [
        [0, 0, 0, 0],
        [1, 0, 0, 2],
        [0, 3, 0, 0],
        [0, 0, 4, 0],
    ]


def test_transposed_overlap_counts() -> None:
    ones = torch.ones(1, 1, 4, 4)
    counts = {}
    for k in (3, 4):
        up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
        nn.init.ones_(up.weight)
        with torch.no_grad():
            counts[k] = up(ones)[0, 0]
        assert counts[k].shape == (8, 8)
    assert set(counts[3].unique().tolist()) == {1.0, 2.0, 4.0}  # uneven: checkerboard
    assert set(counts[4][1:-1, 1:-1].unique().tolist()) == {4.0}  # even inside
