"""The player every animation returns, and the grid drawing they share.

:class:`Player` is a :class:`matplotlib.animation.FuncAnimation` that also keeps
``records``: one dict per frame with the numbers that frame draws, taken from the
layers before any drawing. :meth:`Player.step` draws one frame on the figure, so a
test can step through every frame and read back the text artists (each number drawn
carries a ``gid`` such as ``"out[1,2]"``; :func:`drawn_texts` collects them).

:meth:`Player.to_jshtml` is matplotlib's HTML player made fit for an offline,
bilingual site: no font-awesome stylesheet from a CDN (the buttons get plain text
symbols), button labels and the frame image's ``alt`` text in the page's language, and
"once" mode (it never plays by itself and stops at the last frame).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.viz.png import shrink_png_data_uris

DPI = 72  # frames are PNGs embedded in the page: modest resolution keeps pages light
EMBED_LIMIT_MB = 2.0  # one animation never embeds more than this (matplotlib's rc, in MB)
INTERVAL_MS = 900  # time per frame when playing

# Colours shared by the animations.
PAD = "#e6e6e6"  # zero padding
CELL = "#ffffff"
WINDOW = "#fdd9a6"  # cells under the kernel / pooling window
CURRENT = "#f28e2b"  # edge of the current window and output cell
FILLED = "#cfe2f3"  # output cells already computed
WINNER = "#59a14f"


# matplotlib's player buttons: (English title in its template, catalogue key in
# [player] — the name of the method its onclick calls, as a11y.js uses —, text symbol).
_BUTTONS = {
    "fa-minus": ("Decrease speed", "slower", "−"),
    "fa-fast-backward": ("First frame", "first_frame", "|◀◀"),
    "fa-step-backward": ("Previous frame", "previous_frame", "|◀"),
    "fa-play fa-flip-horizontal": ("Play backwards", "reverse_animation", "◀"),
    "fa-pause": ("Pause", "pause_animation", "❚❚"),
    "fa-play": ("Play", "play_animation", "▶"),
    "fa-step-forward": ("Next frame", "next_frame", "▶|"),
    "fa-fast-forward": ("Last frame", "last_frame", "▶▶|"),
    "fa-plus": ("Increase speed", "faster", "+"),
}
# The repetition-mode controls: English text in the template → catalogue key.
_MODES = {"Once": "once", "Loop": "loop", "Reflect": "reflect", "Repetition mode": "mode"}


def localise_player(html: str, lang: str, alt: str) -> str:
    """Make matplotlib's jshtml player offline and label it in ``lang``."""
    words = section(check_lang("localise_player", lang), "player")
    # The template links font-awesome 4 from a CDN for its button icons.
    html = re.sub(r"<link rel=\"stylesheet\"\s+href=\"https://[^\"]*\">", "", html)
    for icon, (en, key, symbol) in _BUTTONS.items():
        label = html_lib.escape(words[key], quote=True)
        html = re.sub(
            rf'title="{en}" aria-label="{en}"(\s+onclick="[^"]*">)\s*<i class="fa {icon}"></i>',
            rf'title="{label}" aria-label="{label}"\1<span aria-hidden="true">{symbol}</span>',
            html,
        )
    for en, key in _MODES.items():
        label = html_lib.escape(words[key], quote=True)
        html = html.replace(f">{en}</label>", f">{label}</label>")
        html = html.replace(
            f'title="{en}" aria-label="{en}"', f'title="{label}" aria-label="{label}"'
        )
    alt = html_lib.escape(alt, quote=True)
    html = re.sub(r'<img id="(_anim_img\w+)">', rf'<img id="\1" alt="{alt}">', html)
    slider = html_lib.escape(words["slider"], quote=True)
    return html.replace('class="anim-slider"', f'class="anim-slider" aria-label="{slider}"')


class Player(FuncAnimation):
    """A FuncAnimation with a record of what every frame draws.

    Parameters
    ----------
    fig : Figure
    draw : callable
        ``draw(record)`` draws one frame from its record.
    records : list of dict
        One per frame: the numbers the frame draws, computed by the layers.
    lang : {"en", "ko"}
    alt : str
        What the animation shows, in ``lang`` (the player's image ``alt`` text).
    """

    def __init__(
        self,
        fig: Figure,
        draw: Callable[[dict[str, Any]], None],
        records: list[dict[str, Any]],
        *,
        lang: str,
        alt: str,
        interval: int = INTERVAL_MS,
    ) -> None:
        self.fig = fig
        self.records = records
        self.lang = lang
        self.alt = alt
        self._draw_record = draw
        super().__init__(
            fig,
            self._update,
            frames=len(records),
            init_func=lambda: None,
            interval=interval,
            repeat=False,
            cache_frame_data=False,
        )
        # A headless run (Agg: page tests, a script checked in CI) never renders the
        # animation; matplotlib would then warn when it is deleted. Frames are drawn on
        # demand from `records`, so nothing is lost.
        self._draw_was_started = True

    def _update(self, i: int) -> None:
        self._draw_record(self.records[i])

    def step(self, i: int) -> dict[str, Any]:
        """Draw frame ``i`` on the figure and return its record."""
        if not 0 <= i < len(self.records):
            raise ArgumentError(f"Player.step: frame must lie in [0, {len(self.records)}), got {i}")
        self._update(i)
        return self.records[i]

    def to_jshtml(
        self, fps: int | None = None, embed_frames: bool = True, default_mode: str | None = None
    ) -> str:
        """matplotlib's HTML player, offline and labelled in the animation's language."""
        if not hasattr(self, "_localised_html"):
            with mpl.rc_context({"animation.embed_limit": EMBED_LIMIT_MB}):
                html = super().to_jshtml(fps, embed_frames, default_mode or "once")
            html = shrink_png_data_uris(html)  # same pixels, about a fifth fewer bytes
            self._localised_html = localise_player(html, self.lang, self.alt)
        return self._localised_html

    def save(self, filename: Any, writer: Any = None, *args: Any, **kwargs: Any) -> None:
        """Like ``Animation.save``; a GIF without a named writer uses Pillow.

        (sphinx-gallery saves a GIF thumbnail with ``writer=None``; matplotlib would look
        for ffmpeg first and log that it is missing.)
        """
        if writer is None and str(filename).lower().endswith(".gif"):
            writer = "pillow"
        super().save(filename, writer, *args, **kwargs)

    def _repr_html_(self) -> str:
        """Show the player in a notebook (and not the figure a second time)."""
        html = self.to_jshtml()
        plt.close(self.fig)
        return html


def new_figure(figsize: tuple[float, float], ncols: int, nrows: int = 1) -> tuple[Figure, Any]:
    """A figure of ``nrows × ncols`` grid panels (square cells, row 0 at the top, no axis)."""
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, dpi=DPI, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
        ax.set_aspect("equal")
    return fig, axes


def reset(fig: Figure) -> None:
    """Remove what the previous frame drew (cheaper than clearing the axes)."""
    for ax in fig.axes:
        for artist in [*ax.patches, *ax.texts, *ax.lines, *ax.collections]:
            artist.remove()
    for artist in [*fig.texts, *fig.patches, *fig.artists]:
        artist.remove()


def grid(
    ax: Axes,
    values: NDArray[np.floating],
    *,
    name: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    faces: NDArray[Any] | None = None,
    fontsize: float = 11,
    origin: tuple[float, float] = (0.0, 0.0),
    text_color: str = "black",
) -> None:
    """Draw ``values`` as a grid of cells, row 0 at the top; NaN cells stay empty.

    Each number is a Text with gid ``f"{name}[{row},{col}]"``.
    """
    x0, y0 = origin
    for (r, c), v in np.ndenumerate(values):
        face = CELL if faces is None else faces[r, c]
        ax.add_patch(Rectangle((x0 + c, y0 + r), 1, 1, facecolor=face, edgecolor="#777", lw=0.8))
        if not np.isnan(v):
            ax.text(
                x0 + c + 0.5,
                y0 + r + 0.5,
                fmt(float(v)),
                ha="center",
                va="center",
                fontsize=fontsize,
                color=text_color,
                gid=f"{name}[{r},{c}]",
            )


def frame_axes(ax: Axes, width: float, height: float, title: str) -> None:
    """Square cells, row 0 at the top, no ticks."""
    ax.set_xlim(-0.1, width + 0.1)
    ax.set_ylim(height + 0.1, -0.1)
    ax.set_title(title, fontsize=10)


def outline(ax: Axes, row: float, col: float, h: float, w: float, color: str = CURRENT) -> None:
    ax.add_patch(Rectangle((col, row), w, h, fill=False, edgecolor=color, lw=2.5, zorder=5))


def drawn_texts(fig: Figure) -> dict[str, str]:
    """Every text artist of ``fig`` that has a gid, as {gid: text}."""
    found: dict[str, str] = {}
    for artist in fig.findobj(Text):
        gid = artist.get_gid()
        if gid:
            found[gid] = artist.get_text()
    return found


def drawn_grid(texts: dict[str, str], name: str, shape: Sequence[int]) -> NDArray[np.float64]:
    """The numbers of grid ``name`` read back from ``drawn_texts``; NaN where none is drawn."""
    out = np.full(tuple(shape), np.nan)
    for (r, c), _ in np.ndenumerate(out):
        text = texts.get(f"{name}[{r},{c}]")
        if text is not None:
            out[r, c] = float(text.replace("−", "-"))
    return out
