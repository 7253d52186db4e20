"""Lossless PNG shrinking for what the site ships (figures and animation frames).

matplotlib writes every PNG as RGBA, even when every pixel is opaque, and with full
colour even when a figure uses a few dozen colours. :func:`shrink_png` stores the same
pixels in the smallest of RGBA, RGB and an exact 256-colour palette, and checks that the
result decodes to the very same pixels; anything it cannot shrink exactly is returned as is.
"""

from __future__ import annotations

import base64
import io
import re

import numpy as np
from PIL import Image

__all__ = ["shrink_png", "shrink_png_data_uris"]


def _encode(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def shrink_png(data: bytes) -> bytes:
    """The same image in fewer bytes, or ``data`` itself when nothing smaller is exact.

    >>> import io
    >>> from PIL import Image
    >>> buf = io.BytesIO()
    >>> Image.new("RGBA", (64, 64), (255, 0, 0, 255)).save(buf, "PNG")
    >>> small = shrink_png(buf.getvalue())
    >>> len(small) < len(buf.getvalue()), Image.open(io.BytesIO(small)).convert("RGB").getpixel((0, 0))
    (True, (255, 0, 0))
    """
    image: Image.Image = Image.open(io.BytesIO(data))
    image.load()
    pixels = np.asarray(image.convert("RGBA"))
    candidates: list[Image.Image] = [image]
    if image.mode == "RGBA" and bool((pixels[..., 3] == 255).all()):
        image = image.convert("RGB")
        candidates.append(image)
    if image.mode == "RGB" and image.getcolors(256) is not None:
        candidates.append(image.convert("P", palette=Image.Palette.ADAPTIVE, colors=256))
    best = data
    for candidate in candidates:
        encoded = _encode(candidate)
        if len(encoded) >= len(best):
            continue
        decoded = np.asarray(Image.open(io.BytesIO(encoded)).convert("RGBA"))
        if decoded.shape == pixels.shape and np.array_equal(decoded, pixels):
            best = encoded
    return best


_DATA_URI = re.compile(r"data:image/png;base64,((?:[A-Za-z0-9+/=]|\\\n)+)")


def shrink_png_data_uris(html: str) -> str:
    """Shrink every base64 PNG embedded in ``html`` (e.g. matplotlib's jshtml frames).

    matplotlib breaks the base64 text with ``\\`` line continuations inside a JavaScript
    string; the shrunk data is written back on one line.
    """

    def one(match: re.Match[str]) -> str:
        raw = base64.b64decode(match.group(1).replace("\\\n", ""))
        return "data:image/png;base64," + base64.b64encode(shrink_png(raw)).decode("ascii")

    return _DATA_URI.sub(one, html)
