"""What an uploaded photo becomes before it is kept: a plain JPEG, no larger than needed.

The type is read from the content, never from a file name or Content-Type. Decoding and
re-encoding the pixels alone drops every piece of metadata (EXIF with the phone's GPS position,
the camera's serial, XMP, comments); the EXIF orientation is applied to the pixels first so the
photo still stands the right way up.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

# What phones and the driver app send; anything else (SVG, PDF, TIFF, ...) is refused.
FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoRefused(ValueError):
    """Not a photo this server keeps; the message says why, for the 4xx answer."""


class PhotoTooLarge(PhotoRefused):
    """A real image, with more pixels than PHOTO_MAX_PIXELS (413, not "not an image")."""


def _too_many(max_pixels: int, size: str = "more") -> PhotoTooLarge:
    return PhotoTooLarge(f"has {size} pixels than PHOTO_MAX_PIXELS allows ({max_pixels})")


def clean(data: bytes, max_side: int, max_pixels: int) -> tuple[bytes, int, int]:
    """The photo as a metadata-free JPEG whose longest side is at most `max_side`;
    (bytes, width, height). Raises PhotoRefused."""
    img = _flatten(decoded(data, max_pixels))
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow writes a JPEG's comment (img.info["comment"]) back out when saving as JPEG:
    # whatever the phone or an API client put there (a name, a place) must not reach the
    # customer. No other info key is written unless passed.
    img.info.clear()
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, optimize=True)  # no exif=, no comment: nothing carried over
    return out.getvalue(), img.width, img.height


def decoded(data: bytes, max_pixels: int) -> Image.Image:
    """The image's pixels, upright, read by content (JPEG, PNG or WebP only) and refused past
    `max_pixels`; nothing else of the file comes along. Raises PhotoRefused."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse there too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as img:
                if img.width * img.height > max_pixels:
                    raise _too_many(max_pixels, f"{img.width}x{img.height}, more")
                img.load()
                return ImageOps.exif_transpose(img)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own ceiling, met before the size could be read: an image, far too large.
        raise _too_many(max_pixels) from None
    except UnidentifiedImageError:
        raise PhotoRefused("must be a JPEG, PNG or WebP image") from None
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt data
        raise PhotoRefused("is not a readable image (truncated or corrupt)") from None


def _flatten(img: Image.Image) -> Image.Image:
    """RGB on white: a transparent signature drawn on a canvas stays readable as a JPEG."""
    if img.mode in ("RGBA", "LA", "P"):
        rgba = img.convert("RGBA")
        base = Image.new("RGB", rgba.size, "white")
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return img.convert("RGB")
