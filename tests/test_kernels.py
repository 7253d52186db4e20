"""layerguide.kernels: the preset kernels, the chapter photo and apply_kernel."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib import cbook

from layerguide import LayerguideError
from layerguide.kernels import (
    KERNEL_ORDER,
    KERNELS,
    apply_kernel,
    grey_photo,
    kernel_label,
)


def test_every_preset_is_a_read_only_float32_3x3() -> None:
    assert list(KERNELS) == list(KERNEL_ORDER)
    assert len(KERNEL_ORDER) == 8
    for name, kernel in KERNELS.items():
        assert kernel.shape == (3, 3), name
        assert kernel.dtype == np.float32, name
        assert not kernel.flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            kernel[0, 0] = 1
    with pytest.raises(TypeError):
        KERNELS["new"] = KERNELS["identity"]  # type: ignore[index]


def test_presets_have_their_defining_properties() -> None:
    k = {name: kernel.astype(np.float64) for name, kernel in KERNELS.items()}
    for name in ("identity", "box_blur", "gaussian_blur", "sharpen", "emboss"):
        assert k[name].sum() == pytest.approx(1.0, abs=1e-6), name  # keep the brightness
    for name in ("sobel_x", "sobel_y", "laplacian"):
        assert k[name].sum() == 0, name  # flat areas → 0
    np.testing.assert_array_equal(k["sobel_y"], k["sobel_x"].T)
    np.testing.assert_array_equal(k["sharpen"], k["identity"] - k["laplacian"])
    np.testing.assert_array_equal(k["gaussian_blur"] * 16, np.outer([1, 2, 1], [1, 2, 1]))
    np.testing.assert_allclose(k["box_blur"], np.full((3, 3), 1 / 9), rtol=1e-7)
    # Chapter 3's edge filter is Sobel x.
    np.testing.assert_array_equal(k["sobel_x"], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_preset_has_a_label_in_both_languages(lang: str) -> None:
    labels = [kernel_label(name, lang) for name in KERNEL_ORDER]
    assert len(set(labels)) == len(labels)
    assert all(labels)


def test_kernel_label_errors() -> None:
    with pytest.raises(
        LayerguideError, match=r"kernel_label: lang must be one of \('en', 'ko'\), got 'fr'"
    ):
        kernel_label("sharpen", "fr")
    with pytest.raises(ValueError, match="unknown kernel 'blur'; choose one of identity"):
        kernel_label("blur")


def test_grey_photo_is_the_chapter_3_image() -> None:
    # The lines of gallery/*/plot_03_convolution.py that make its 60 × 60 image.
    # matplotlib's stub says ndarray | IO for any sample; a .jpg always gives a binary file
    with cbook.get_sample_data("grace_hopper.jpg") as f:  # type: ignore[union-attr]
        photo = plt.imread(f)  # type: ignore[arg-type]
    grey = photo[:480, 16:496].mean(axis=2) / 255
    small = grey.reshape(60, 8, 60, 8).mean(axis=(1, 3)).astype(np.float32)
    got = grey_photo()
    assert got.shape == (60, 60)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, small)
    assert 0 <= got.min() < got.max() <= 1
    assert grey_photo(30).shape == (30, 30)
    np.testing.assert_allclose(grey_photo(30), small.reshape(30, 2, 30, 2).mean(axis=(1, 3)),
                               atol=1e-6)  # fmt: skip


@pytest.mark.parametrize("size", [0, 7, -60, 481])
def test_grey_photo_size_must_divide_480(size: int) -> None:
    with pytest.raises(LayerguideError, match=f"positive divisor of 480, got {size}"):
        grey_photo(size)


def test_grey_photo_size_must_be_an_int() -> None:
    with pytest.raises(TypeError, match=r"size must be an int, got 60\.0"):
        grey_photo(60.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", KERNEL_ORDER)
@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 1), (3, 2)])
def test_apply_kernel_matches_torch(name: str, stride: int, padding: int) -> None:
    image = np.random.default_rng(3).random((13, 17)).astype(np.float32)
    got = apply_kernel(image, KERNELS[name], stride=stride, padding=padding)
    expected = torch.nn.functional.conv2d(
        torch.from_numpy(image.astype(np.float64))[None, None],
        torch.from_numpy(KERNELS[name].astype(np.float64))[None, None],
        stride=stride,
        padding=padding,
    )[0, 0].numpy()
    assert got.dtype == np.float32
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


def test_apply_kernel_identity_and_dtype() -> None:
    image = grey_photo()
    np.testing.assert_array_equal(apply_kernel(image, KERNELS["identity"], padding=1), image)
    np.testing.assert_array_equal(
        apply_kernel(image, KERNELS["identity"], stride=2, padding=1), image[::2, ::2]
    )
    wide = apply_kernel(image.astype(np.float64), KERNELS["box_blur"])
    assert wide.dtype == np.float64
    assert wide.shape == (58, 58)


def test_apply_kernel_errors() -> None:
    with pytest.raises(LayerguideError, match=r"must be 2-D, got shapes \(1, 5, 5\) and \(3, 3\)"):
        apply_kernel(np.zeros((1, 5, 5)), KERNELS["identity"])
    with pytest.raises(ValueError, match="larger than padded input"):
        apply_kernel(np.zeros((2, 2), np.float32), KERNELS["identity"])
