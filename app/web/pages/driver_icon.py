"""The driver app's home-screen icon as a PNG, for iOS (which takes no SVG for
apple-touch-icon): drawn with Pillow from the same shapes as static/icons/driver-maskable.svg,
once per process, so no binary copy of the icon lives in the repository."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw

BLUE, WHITE = "#0b6bcb", "#ffffff"
SIDE = 512  # drawn at the SVG's own size, then made smaller
SCALE = 0.72  # the SVG's `scale(.72)` about the centre


def _at(x: float, y: float) -> tuple[float, float]:
    return SIDE / 2 + (x - SIDE / 2) * SCALE, SIDE / 2 + (y - SIDE / 2) * SCALE


def _box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return (*_at(x0, y0), *_at(x1, y1))


@cache
def touch_icon(size: int = 180) -> bytes:
    img = Image.new("RGB", (SIDE, SIDE), BLUE)
    draw = ImageDraw.Draw(img)
    # The map pin: a circle (centre 256,198, radius 112) ending in a point at 256,404.
    draw.ellipse(_box(144, 86, 368, 310), fill=WHITE)
    draw.polygon([_at(152, 240), _at(360, 240), _at(256, 404)], fill=WHITE)
    # The parcel inside it, and its tape.
    draw.rounded_rectangle(_box(206, 150, 306, 240), radius=10 * SCALE, fill=BLUE)
    draw.line([_at(206, 178), _at(306, 178)], fill=WHITE, width=round(10 * SCALE))
    draw.line([_at(256, 150), _at(256, 178)], fill=WHITE, width=round(10 * SCALE))
    # The road under it.
    draw.rounded_rectangle(_box(120, 420, 392, 438), radius=9 * SCALE, fill="#cfe1f5")
    out = io.BytesIO()
    img.resize((size, size), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()
