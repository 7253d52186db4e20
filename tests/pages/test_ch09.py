"""Chapter 9 (what autoencoders are for), both languages: what its prose says is what it
computed.

Like chapters 5 and 6 it reads its two trained models (chapter 5's and the denoising one)
from ``LAYERGUIDE_CACHE``, by default the docs build's cache, so tests and docs train
only once; on a cold cache the page trains them (320 steps each).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

PAGE = "plot_09_what_autoencoders_are_for.py"
LANGS = ("en", "ko")
ROOT = Path(__file__).resolve().parents[2]

# Trained models come from the docs build's cache unless LAYERGUIDE_CACHE says otherwise.
pytestmark = pytest.mark.usefixtures("training_cache")


def _quoted(lang: str, en: str, ko: str) -> str:
    return en if lang == "en" else ko


@pytest.mark.parametrize("lang", LANGS)
def test_the_two_models_differ_only_in_the_noise(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    budget, plain_budget = g["DENOISE_BUDGET"], g["PAGE_BUDGET"]
    assert budget == replace(plain_budget, noise=budget.noise)
    assert budget.noise == 0.5
    assert _quoted(
        lang, f"gets {budget.noise} times a random number", f"{budget.noise}를 곱해"
    ) in (text)
    assert g["denoiser_info"]["steps"] == g["plain_info"]["steps"] == plain_budget.steps
    assert g["denoiser_info"]["train"]["noise"] == budget.noise
    plain, denoiser = g["plain"].state_dict(), g["denoiser"].state_dict()
    assert plain.keys() == denoiser.keys()  # the same layers
    assert not all(torch.equal(plain[k], denoiser[k]) for k in plain)  # trained differently


@pytest.mark.parametrize("lang", LANGS)
def test_denoising_as_the_prose_says(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    x, noisy, n = g["x"], g["noisy"], g["n_test"]
    assert n == len(x) == 1000
    counts = re.findall(r"(?<![\d,])\d{1,3},000(?![\d,])", text)
    assert set(counts) == {f"{n:,}"}  # every count of digits the prose gives is n
    assert noisy.shape == x.shape
    assert float(noisy.min()) >= 0  # clipped to [0, 1]
    assert float(noisy.max()) <= 1
    assert not torch.equal(noisy, torch.from_numpy(x))
    noisy_bce, clean_bce = g["noisy_bce"], g["clean_bce"]
    # "about half the plain one's"
    assert 0.4 < noisy_bce["denoising"] / noisy_bce["plain"] < 0.6
    assert _quoted(lang, "about half the plain one's", "절반쯤") in text
    # "On clean digits the order turns around: the plain model is a little better there"
    assert clean_bce["plain"] < clean_bce["denoising"] < noisy_bce["denoising"]
    assert clean_bce["denoising"] - clean_bce["plain"] < 0.05
    assert _quoted(lang, "the plain model is a little better", "보통 모델이 조금 낫습니다") in text


@pytest.mark.parametrize("lang", LANGS)
def test_code_map_as_the_prose_says(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    codes, labels, projection = g["codes"], g["labels"], g["projection"]
    assert codes.shape == (g["n_test"], g["config"].code_size)
    assert _quoted(lang, f"a space of {codes.shape[1]} dimensions", f"{codes.shape[1]}차원") in text
    # the projection is PCA: checked against the covariance matrix's eigenvalues
    centred = codes - codes.mean(axis=0)
    eig = np.linalg.eigvalsh(centred.T @ centred)[::-1]
    np.testing.assert_allclose(projection.explained, eig[:2] / eig.sum(), rtol=1e-9)
    np.testing.assert_allclose(projection.points, centred @ projection.axes.T)
    # "less than a third of the variance"
    assert projection.explained.sum() < 1 / 3
    assert _quoted(lang, "less than a third of the variance", "3분의 1이 안") in text
    # "about nine times in ten, about as often as with the 784 pixels themselves"
    assert 0.85 < g["agree_code"] < 0.95
    assert abs(g["agree_code"] - g["agree_pixels"]) < 0.05
    # "about one time in three ... well above the one in ten a guess would get"
    assert 0.25 < g["agree_2d"] < 0.42
    assert np.bincount(labels).max() / len(labels) < 0.15
    assert _quoted(lang, "about nine times in ten", "열에 아홉쯤") in text
    assert _quoted(lang, "about one time in three", "셋에 하나쯤") in text
    # "the 1s most clearly": their nearest 2-D neighbour is a 1 more often than for any digit
    points = projection.points
    dist = ((points[:, None, :] - points[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    same = labels[dist.argmin(axis=1)] == labels
    per_digit = [same[labels == d].mean() for d in range(10)]
    assert int(np.argmax(per_digit)) == 1
    assert _quoted(lang, "the 1s most clearly", "가장 뚜렷한 것은 1") in text


@pytest.mark.parametrize("lang", LANGS)
def test_walk_between_codes(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    test, paths, t = g["test"], g["paths"], g["t"]
    a_index, b_index = (int(np.flatnonzero(test.labels == d)[0]) for d in (2, 7))
    assert _quoted(lang, "a 2 and a 7", "2와 7") in text
    assert len(t) == 8
    assert (t[0], t[-1]) == (0, 1)
    assert _quoted(lang, "eight values of ``t``", "``t`` 값 여덟 개") in text
    ends = torch.from_numpy(test.images[[a_index, b_index]])
    with torch.no_grad():
        rebuilt = torch.sigmoid(g["plain"](ends)).numpy()
    # both ends of the decoded path are the model's reconstructions of the two digits
    np.testing.assert_allclose(paths["code"][[0, -1]], rebuilt, atol=1e-6)
    np.testing.assert_allclose(paths["pixels"][[0, -1]], test.images[[a_index, b_index]])
    # "the middle images ... have more grey pixels than either end"
    grey = g["grey"]
    assert grey[1:-1].max() > 1.5 * max(grey[0], grey[-1])


@pytest.mark.parametrize("lang", LANGS)
def test_caveats_measured(page, prose, lang: str) -> None:
    g, text = page(PAGE, lang), prose(PAGE, lang)
    digits, scores, names = g["digits"], g["scores"], g["names"]
    assert names == ["digit", "worst", "photo", "stripes"]
    # lossy: every test digit stays above its own floor
    assert (digits.bce > digits.floor).all()
    assert digits.bce[g["worst"]] == digits.bce.max()
    photo_bce = scores.bce[names.index("photo")]
    mean_bce = digits.bce.mean()
    # "more than ten times the digits' mean and higher than that of any of the 1,000"
    assert photo_bce > 10 * mean_bce
    assert photo_bce > digits.bce.max()
    assert _quoted(lang, "more than ten times the digits' mean", "열 배가 넘") in text
    # BCE − floor, "more than ten times the digits' mean as well", photo and stripes
    excess = (digits.bce - digits.floor).mean()
    for name in ("photo", "stripes"):
        i = names.index(name)
        assert scores.bce[i] - scores.floor[i] > 10 * excess
    photo = g["photo"]
    assert photo.shape == (1, 1, 28, 28)
    assert 0 <= photo.min() <= photo.max() <= 1
    assert "28 × 28" in text
    # not a compressor: zlib, exact, in far fewer bytes than the float32 code
    code_size = g["config"].code_size
    assert g["code_bytes"] == code_size * 4 == 512
    assert f"{code_size} × 4 = {g['code_bytes']}" in text
    assert g["zipped"].mean() < g["code_bytes"] / 2
    assert "784" in text


def test_both_languages_show_the_same_numbers(page) -> None:
    en, ko = page(PAGE, "en"), page(PAGE, "ko")
    assert en["noisy_bce"] == ko["noisy_bce"]
    assert en["clean_bce"] == ko["clean_bce"]
    np.testing.assert_array_equal(en["projection"].points, ko["projection"].points)
    np.testing.assert_array_equal(en["scores"].bce, ko["scores"].bce)
    np.testing.assert_array_equal(en["grey"], ko["grey"])


def test_korean_wording() -> None:
    text = (ROOT / "gallery" / "ko" / PAGE).read_text(encoding="utf-8")
    prose_lines = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    body = text.split('"""', 2)[1] + "\n".join(prose_lines)
    # the glossary's rule: 잠재 코드 on first use
    assert body.index("잠재 코드") <= body.index("코드")
    # 단계 only for training steps: "320단계", "{budget.steps}단계", "단계마다"
    for match in re.finditer("단계", text):
        before, after = text[match.start() - 1], text[match.end() : match.end() + 2]
        assert before.isdigit() or before == "}" or after == "마다", text[match.start() - 20 :][:40]
    for phrase in ("스텝", "네트워크", "모양", "부르"):
        assert phrase not in text, phrase
