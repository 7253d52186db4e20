"""viz.png: smaller PNGs with exactly the same pixels."""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from layerguide.viz.png import shrink_png, shrink_png_data_uris


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def _figure_png(**kwargs: Any) -> bytes:
    mpl.use("Agg")
    fig, ax = plt.subplots(figsize=(3, 2), dpi=72)
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("shape = (4, 2)")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", **kwargs)
    plt.close(fig)
    return buf.getvalue()


def test_a_figure_gets_smaller_with_the_same_pixels() -> None:
    data = _figure_png()
    small = shrink_png(data)
    assert len(small) < len(data)
    np.testing.assert_array_equal(_pixels(small), _pixels(data))


def test_transparency_is_kept() -> None:
    data = _figure_png(transparent=True)
    np.testing.assert_array_equal(_pixels(shrink_png(data)), _pixels(data))


def test_a_photo_with_many_colours_stays_exact() -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(40, 40, 4), dtype=np.uint8)
    noise[..., 3] = 255
    buf = io.BytesIO()
    Image.fromarray(noise, "RGBA").save(buf, "PNG")
    np.testing.assert_array_equal(_pixels(shrink_png(buf.getvalue())), noise)


def test_data_uris_in_a_player_are_shrunk_in_place() -> None:
    data = _figure_png()
    text = base64.b64encode(data).decode()
    wrapped = "\\\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    html = f'frames[0] = "data:image/png;base64,{wrapped}";\n'
    out = shrink_png_data_uris(html)
    assert out.startswith('frames[0] = "data:image/png;base64,')
    assert out.endswith('";\n')
    payload = out.split(",", 1)[1].rsplit('"', 1)[0]
    assert len(payload) < len(text)
    np.testing.assert_array_equal(_pixels(base64.b64decode(payload)), _pixels(data))
