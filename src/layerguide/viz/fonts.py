"""Hangul in matplotlib with no network.

NanumGothic (SIL Open Font License 1.1) comes from the PyPI package
``koreanize-matplotlib``. We locate its font file *without importing the package*:
importing it changes global settings and, on Python >= 3.12, needs ``distutils``.
Debian's ``fonts-nanum`` is the fallback.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from layerguide.errors import DataError

FAMILY = "NanumGothic"
_SYSTEM_FONTS = (
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
    Path("/usr/share/fonts/nanum/NanumGothic.ttf"),
)


def korean_font_path() -> Path:
    """Return the path of a NanumGothic TrueType file found on this machine.

    Raises
    ------
    layerguide.errors.LayerguideError
        If neither ``koreanize-matplotlib`` nor ``fonts-nanum`` is installed.
    """
    candidates: list[Path] = []
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidates.append(Path(location) / "fonts" / "NanumGothic.ttf")
    candidates.extend(_SYSTEM_FONTS)
    for path in candidates:
        if path.is_file():
            return path
    searched = ", ".join(str(p) for p in candidates)
    raise DataError(
        f"No NanumGothic font found (searched: {searched}). "
        "Install it with `pip install koreanize-matplotlib` or `apt-get install fonts-nanum`."
    )


def use_korean_font() -> str:
    """Make matplotlib draw Hangul: register NanumGothic and put it after DejaVu Sans.

    DejaVu Sans comes first so Latin text, digits and the minus sign (U+2212, which
    NanumGothic lacks) keep their usual look; Hangul falls back glyph by glyph to
    NanumGothic. Returns the family name that was registered.

    >>> use_korean_font()
    'NanumGothic'
    >>> import matplotlib as mpl
    >>> mpl.rcParams["font.family"][:2]
    ['DejaVu Sans', 'NanumGothic']
    """
    path = korean_font_path()
    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.family"] = ["DejaVu Sans", FAMILY]
    mpl.rcParams["axes.unicode_minus"] = True
    return FAMILY
