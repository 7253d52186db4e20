"""Chapter 5 (the autoencoder), both languages: the numbers its prose quotes are the ones it
computed.

The page trains (320 steps, a few seconds per model) unless the training cache has the
model: without ``LAYERGUIDE_CACHE`` set, the tests use the docs build's cache
(``docs/_build/cache``, what ``nox -s docs`` uses), so tests and docs train only once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import layerguide

PAGE = "plot_05_autoencoder.py"
LANGS = ("en", "ko")
ROOT = Path(__file__).resolve().parents[2]


# Trained models come from the docs build's cache unless LAYERGUIDE_CACHE says otherwise.
pytestmark = pytest.mark.usefixtures("training_cache")


@pytest.mark.parametrize("lang", LANGS)
def test_code_is_8_by_4_by_4_as_the_prose_says(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    config = g["config"]
    c, h, w = g["code"].shape[1:]
    assert (c, h, w) == (config.code_channels, 4, 4)
    assert g["code"][0].numel() == config.code_size == c * h * w
    assert f"{c} × {h} × {w} = {c * h * w}" in text
    assert f"{784 / config.code_size:.2f}" == "6.12"  # the printed ratio: 784 pixels / 128
    assert f"{784}" in text
    assert f"{config.code_size}" in text
    c3 = config.channels[-1]
    quoted = f"mixes the {c3} channels down to {c}" if lang == "en" else f"채널 {c3}개를 {c}개로"
    assert quoted in text
    assert config.decoder == "transpose"  # the page describes the default decoder


@pytest.mark.parametrize("lang", LANGS)
def test_encoder_sizes_are_the_ones_quoted(page, prose, lang: str) -> None:
    g = page(PAGE, lang)
    sizes = [28] + [idx.shape[-1] for idx in g["model"].encode(torch.zeros(1, 1, 28, 28)).indices]
    assert " → ".join(map(str, sizes)) in prose(PAGE, lang)  # 28 → 14 → 7 → 4
    assert " → ".join(map(str, sizes[::-1])) in prose(PAGE, lang)  # the decoder's way back


@pytest.mark.parametrize("lang", LANGS)
def test_what_to_remember_quotes_the_models_shapes(page, prose, lang: str) -> None:
    """The summary repeats the chapter's shapes; they must be the model's, not typed again."""
    g, text = page(PAGE, lang), prose(PAGE, lang)
    summary = text[text.index("What to remember" if lang == "en" else "기억할 것") :]
    model = g["model"]
    with torch.no_grad():
        encoded = model.encode(torch.zeros(1, 1, 28, 28))
        out = model(torch.zeros(1, 1, 28, 28))
    sizes = [28] + [idx.shape[-1] for idx in encoded.indices]
    c, h, w = encoded.values.shape[1:]
    assert " → ".join(map(str, sizes)) in summary
    assert f"{c} × {h} × {w} = {c * h * w}" in summary
    assert " × ".join(map(str, out.shape[1:])) in summary  # 1 × 28 × 28
    assert str(out[0].numel()) in summary  # 784 pixels back


@pytest.mark.parametrize("lang", LANGS)
def test_training_budget_as_quoted(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    budget = g["PAGE_BUDGET"]
    steps, batch = budget.steps, budget.batch_size
    assert g["images_seen"] == steps * batch
    quoted = (
        f"{steps} steps of {batch} images, {steps * batch:,} images in all"
        if lang == "en"
        else f"이미지 {batch}장씩 {steps}단계, 모두 {steps * batch:,}장"
    )
    assert quoted in text
    assert budget.max_seconds is None  # step-based: both languages share one cached model


@pytest.mark.parametrize("lang", LANGS)
def test_training_curve_is_the_cached_run(page, lang: str) -> None:
    g = page(PAGE, lang)
    curve, info = g["curve"], g["info"]
    assert len(curve.losses) == info["steps"] == g["PAGE_BUDGET"].steps
    assert np.isfinite(curve.losses).all()
    assert g["last"] < g["first"]  # the prose: the loss falls
    assert info["test_bce"] > g["floor"]  # the prose: still above the floor
    assert g["floor"] > 0


def test_both_languages_show_the_same_run(page) -> None:
    en, ko = page(PAGE, "en"), page(PAGE, "ko")
    assert en["info"]["test_bce"] == ko["info"]["test_bce"]
    np.testing.assert_array_equal(en["curve"].losses, ko["curve"].losses)


@pytest.mark.parametrize("lang", LANGS)
def test_batchnorm_and_gelu_are_explained_where_the_trace_shows_them(page, prose, lang) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    html = layerguide.trace(g["model"], (1, 1, 28, 28), lang=lang)._repr_html_()
    for layer in ("BatchNorm2d", "GELU"):
        assert layer in html
        assert f"``{layer}``" in text
    assert ("batch normalization" if lang == "en" else "배치 정규화") in text


def test_korean_wording_from_the_review() -> None:
    text = (ROOT / "gallery" / "ko" / PAGE).read_text(encoding="utf-8")
    for phrase in (
        "넘을 수 없는",
        "코드 128개",
        "네트워크",
        "배치 그대로",
        "가운데 통로",
        "steps=",
        # review 2: plot_05:7, :10, :53, :111, :113-114, :151, 파라미터 수
        "잠재 표현",
        "되돌아오는지",
        "되돌아온 모습",
        "살아남습니다",
        "모든 단계를",
        "숫자 모양",
        "파라미터 수",
    ):
        assert phrase not in text, phrase
    assert "코드(값 128개)" in text
    # the glossary's rule: 잠재 코드 at first use, 코드 afterwards
    assert text.index(":term:`잠재 코드`") < text.index("코드만 보고")
    assert "복원 결과\n# ---------" in text


@pytest.mark.parametrize("lang", LANGS)
def test_reconstructions_are_made_in_evaluation_mode(page, prose, lang: str) -> None:
    """Batch norm: the batch's statistics in training, the running ones in evaluation."""
    g, text = page(PAGE, lang), prose(PAGE, lang)
    model = g["model"]
    assert not model.training
    norms = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert norms
    assert all(not m.training and m.track_running_stats for m in norms)
    assert all(m.running_var is not None and (m.running_var != 1).any() for m in norms)
    modes = g["modes"]
    assert modes["eval"] < 1e-6
    assert ("less than 1e-6" if lang == "en" else "1e-6보다 작습니다") in text
    assert f"{modes['train']:.2f}" == "0.34"
    quoted = "up to 0.34" if lang == "en" else "최대 0.34"
    assert quoted in text
    assert "model.eval()" in text
    assert (
        "``model.training`` is False" if lang == "en" else "``model.training``\\ 이 ``False``"
    ) in text
    # the figure shows what the evaluation-mode model computes for the batch
    with torch.no_grad():
        np.testing.assert_array_equal(g["restored"], torch.sigmoid(model(g["digits"])))


def test_recording_the_curve_does_not_change_training() -> None:
    from layerguide.autoencoder import AutoencoderConfig, TrainConfig, train

    images = np.random.default_rng(0).random((48, 1, 28, 28), dtype=np.float32)
    budget = TrainConfig(steps=3, batch_size=16)
    seen: list[tuple[int, float]] = []
    watched = train(AutoencoderConfig(), budget, images, on_step=lambda s, x: seen.append((s, x)))
    plain = train(AutoencoderConfig(), budget, images)
    assert [s for s, _ in seen] == [1, 2, 3]
    assert seen[-1][1] == watched.final_loss == plain.final_loss
    a, b = watched.model.state_dict(), plain.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
