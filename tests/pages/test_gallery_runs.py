"""Every gallery script runs to the end, in both languages, through the shared runner.

Chapters 5, 6 and 9 train autoencoders with ``PAGE_BUDGET`` (and 9 with ``DENOISE_BUDGET``)
unless the training cache (``$LAYERGUIDE_CACHE``, e.g. ``docs/_build/cache`` after
``nox -s docs``) already holds them; training every model would take minutes, so without
the models those chapters are skipped here (the docs build runs them, and fails on an example that raises).
"""

from __future__ import annotations

import pytest
from tests.pages.conftest import LANGS, gallery_scripts

TRAINING_PAGES = {
    "plot_05_autoencoder.py",
    "plot_06_decoders.py",
    "plot_09_what_autoencoders_are_for.py",
}


def _missing_models() -> list[str]:
    """The page models that the training cache lacks (file names)."""
    from layerguide.autoencoder import (
        DECODERS,
        DENOISE_BUDGET,
        PAGE_BUDGET,
        AutoencoderConfig,
        cache_key,
    )
    from layerguide.autoencoder._files import cache_dir

    runs = [(AutoencoderConfig(decoder=d), PAGE_BUDGET) for d in DECODERS]
    runs.append((AutoencoderConfig(), DENOISE_BUDGET))
    names = [f"{c.decoder}-{cache_key(c, b, 'mnist-train')}.pt" for c, b in runs]
    return [n for n in names if not (cache_dir() / "models" / n).is_file()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", gallery_scripts())
def test_gallery_script_runs(page, name: str, lang: str) -> None:
    if name in TRAINING_PAGES and (missing := _missing_models()):
        pytest.skip(f"{name} would train {len(missing)} models; point LAYERGUIDE_CACHE at a cache")
    namespace = page(name, lang)
    assert namespace["__name__"] == "__main__"
