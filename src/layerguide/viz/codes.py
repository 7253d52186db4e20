"""Figures and tables of chapter 9 (what autoencoders are for), in en or ko.

Every function takes ``lang`` and draws all of its labels from the catalogue's
``[viz.codes]`` table; figures are matplotlib Figures, tables
:class:`~layerguide.viz.table.Table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.viz.table import Table

if TYPE_CHECKING:
    from layerguide.lesson.uses import Scores

__all__ = [
    "score_table",
    "show_code_map",
    "show_code_path",
    "show_denoising",
    "show_strangers",
]


def _words(where: str, lang: str) -> dict[str, str]:
    return section(check_lang(where, lang), "viz.codes")


def _bare(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def _digit(ax: Axes, image: ArrayLike) -> None:
    ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray", vmin=0, vmax=1)
    _bare(ax)


def show_denoising(
    rows: Mapping[str, ArrayLike],
    *,
    lang: str,
    bce: Mapping[str, float] | None = None,
    n: int = 8,
) -> Figure:
    """One row of ``n`` digits per entry; keys ``noisy``, ``plain``, ``denoising``, ``clean``.

    A row whose key is in ``bce`` shows that BCE under its name.
    """
    words = _words("show_denoising", lang)
    unknown = [k for k in rows if f"row_{k}" not in words]
    if unknown:
        raise ArgumentError(f"show_denoising: unknown rows {unknown}")
    fig, axes = plt.subplots(
        len(rows), n, figsize=(9, 1.15 * len(rows) + 0.5), squeeze=False, layout="constrained"
    )
    for r, (name, images) in enumerate(rows.items()):
        array = np.asarray(images)
        for i in range(n):
            _digit(axes[r, i], array[i])
        label = words[f"row_{name}"]
        if bce is not None and name in bce:
            label += "\n" + words["bce"].format(v=bce[name])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(words["denoise_title"])
    return fig


def show_code_map(
    points: ArrayLike, labels: ArrayLike, explained: Sequence[float], *, lang: str
) -> Figure:
    """Codes projected on two axes, one colour per digit label, with each axis's variance."""
    words = _words("show_code_map", lang)
    xy, y = np.asarray(points), np.asarray(labels)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) != len(y):
        raise ArgumentError(
            f"show_code_map: need points (N, 2) and N labels, got {xy.shape} and {len(y)}"
        )
    fig, ax = plt.subplots(figsize=(7.5, 6.2), layout="constrained")
    cmap = plt.get_cmap("tab10")
    for digit in np.unique(y):
        mask = y == digit
        ax.scatter(
            xy[mask, 0], xy[mask, 1], s=6, alpha=0.6, color=cmap(int(digit) % 10), label=str(digit)
        )
    for axis, name in enumerate(("x", "y")):
        label = words["pc"].format(i=axis + 1, share=100 * explained[axis])
        getattr(ax, f"set_{name}label")(label)
    ax.set_title(words["map_title"].format(n=f"{len(y):,}"))
    ax.legend(title=words["digit"], markerscale=3, fontsize=8, loc="best")
    return fig


def show_code_path(paths: Mapping[str, ArrayLike], t: ArrayLike, *, lang: str) -> Figure:
    """Rows of images along a path (keys ``code``, ``pixels``), columns titled with t."""
    words = _words("show_code_path", lang)
    steps = np.asarray(t)
    fig, axes = plt.subplots(
        len(paths),
        len(steps),
        figsize=(9, 1.3 * len(paths) + 0.6),
        squeeze=False,
        layout="constrained",
    )
    for r, (name, images) in enumerate(paths.items()):
        array = np.asarray(images)
        for i, ti in enumerate(steps):
            _digit(axes[r, i], array[i])
            if r == 0:
                axes[r, i].set_title(f"t = {ti:.2f}", fontsize=8)
        axes[r, 0].set_ylabel(words[f"path_{name}"], rotation=0, ha="right", va="center")
    fig.suptitle(words["path_title"])
    return fig


def show_strangers(names: Sequence[str], images: ArrayLike, scores: Scores, *, lang: str) -> Figure:
    """Each input (top) and its reconstruction (bottom), titled with its name and BCE.

    ``names`` are catalogue items (``digit``, ``worst``, ``photo``, ``stripes``), one per
    image of ``images`` (N, 1, 28, 28); ``scores`` is
    :func:`~layerguide.lesson.uses.image_scores` of those images.
    """
    words = _words("show_strangers", lang)
    array = np.asarray(images)
    _check_rows("show_strangers", names, len(array), scores, words)
    fig, axes = plt.subplots(
        2, len(names), figsize=(2.3 * len(names), 5.0), squeeze=False, layout="constrained"
    )
    for c, name in enumerate(names):
        _digit(axes[0, c], array[c])
        _digit(axes[1, c], scores.output[c])
        title = words[f"item_{name}"] + "\n" + words["bce"].format(v=scores.bce[c])
        axes[0, c].set_title(title, fontsize=9)
    axes[0, 0].set_ylabel(words["input"])
    axes[1, 0].set_ylabel(words["output"])
    fig.suptitle(words["strangers_title"])
    return fig


def _check_rows(
    where: str, names: Sequence[str], n: int, scores: Scores, words: Mapping[str, str]
) -> None:
    unknown = [name for name in names if f"item_{name}" not in words]
    if unknown:
        raise ArgumentError(f"{where}: unknown names {unknown}")
    if not len(names) == n == len(scores.bce):
        raise ArgumentError(
            f"{where}: {len(names)} names, {n} images and {len(scores.bce)} scores differ"
        )


def score_table(names: Sequence[str], scores: Scores, *, digits: Scores, lang: str) -> Table:
    """BCE, floor, BCE − floor and MSE: first the mean over ``digits``, then one row per name."""
    words = _words("score_table", lang)
    _check_rows("score_table", names, len(names), scores, words)
    rows = [("digits", digits.bce.mean(), digits.floor.mean(), digits.mse.mean())]
    rows += [
        (n, b, f, m) for n, b, f, m in zip(names, scores.bce, scores.floor, scores.mse, strict=True)
    ]
    body = [
        [words[f"item_{n}"], round(float(b), 4), round(float(f), 4), round(float(b - f), 4),
         round(float(m), 4)]
        for n, b, f, m in rows
    ]  # fmt: skip
    header = [words[h] for h in ("input", "col_bce", "col_floor", "col_excess", "col_mse")]
    return Table(header, body, caption=words["score_caption"])
