"""Small previews of images, made by a background task with Pillow.

Images come from anyone, so the renderer refuses what could exhaust the worker before decoding
it: a file above ``MAX_SOURCE_BYTES``, a picture above ``MAX_PIXELS`` (a decompression bomb: a
few kilobytes that decode to gigabytes), a format outside ``FORMATS`` (a zip bomb renamed
``.png`` is not an image Pillow opens). Pillow's own decompression-bomb warning is an error
here, and its limits on text chunks stay on.
"""

from __future__ import annotations

import io
import warnings
from typing import BinaryIO

from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

THUMBNAIL_TYPES = frozenset(
    ["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff"]
)
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")
MAX_SOURCE_BYTES = 50 * 1024 * 1024
MAX_PIXELS = 50_000_000
BOX = (320, 320)
CONTENT_TYPE = "image/webp"


class ThumbnailRefused(Exception):
    """The content cannot or must not be turned into a thumbnail; the message says why."""


def wants_thumbnail(content_type: str) -> bool:
    return content_type in THUMBNAIL_TYPES


def render_thumbnail(source: BinaryIO, size: int) -> bytes:
    """A WebP at most ``BOX`` wide and high, or ``ThumbnailRefused``."""
    if size > MAX_SOURCE_BYTES:
        raise ThumbnailRefused(gettext("Image trop lourde pour une vignette."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source, formats=FORMATS) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ThumbnailRefused(gettext("Image trop grande : vignette refusée."))
                image.draft("RGB", BOX)
                image.thumbnail(BOX)
                picture = ImageOps.exif_transpose(image)
                if picture.mode not in ("RGB", "RGBA"):
                    picture = picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
                output = io.BytesIO()
                picture.save(output, format="WEBP", quality=80)
                return output.getvalue()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ThumbnailRefused(gettext("Image trop grande : vignette refusée.")) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ThumbnailRefused(gettext("Ce fichier n'est pas une image lisible.")) from None
