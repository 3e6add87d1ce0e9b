"""Checks of a drawn signature image sent by a signing device.

Pure Python with Pillow, no Odoo import. A signature must be a real PNG picture of bounded
size with enough ink to be a signature: the file is decoded (never trusted on its first
bytes), and what is kept is the decoded picture saved again, so that data hidden after the
image or in its text chunks (a PNG+SVG polyglot, a script) is never stored.

Each refusal raises :class:`SignatureImageError` with a ``code`` that the caller turns into a
translated sentence.
"""

import io
import zlib

from PIL import Image

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
IEND_CHUNK = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# A finger on a 12-inch tablet at 3 device pixels per CSS pixel stays well within this.
MAX_WIDTH = 4000
MAX_HEIGHT = 2000
MAX_PIXELS = 4_000_000
MIN_WIDTH = 60
MIN_HEIGHT = 30
# A pixel is ink when it is opaque enough and dark enough (a pen on white or transparent).
INK_ALPHA = 128
INK_LUMA = 170
# Enough ink to be a signature: a share of the pixels, a minimal count, and a stroke that
# spans a part of the box (a dot or a smudge is not a signature).
MIN_INK_SHARE = 0.0015
MIN_INK_PIXELS = 150
MIN_INK_SPAN = 0.15

NOT_PNG = "not_png"
UNREADABLE = "unreadable"
TOO_BIG = "too_big"
TOO_SMALL = "too_small"
BLANK = "blank"


class SignatureImageError(ValueError):
    """A signature image that is refused; ``code`` says why."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _open(raw):
    image = Image.open(io.BytesIO(raw), formats=["PNG"])
    if image.format != "PNG":
        raise SignatureImageError(NOT_PNG)
    return image


def ink_box(image):
    """(ink pixel count, bounding box of the ink or None) of an RGBA image."""
    red, green, blue, alpha = image.split()
    # luma of each pixel, then ink where dark enough and opaque enough
    luma = Image.merge("RGB", (red, green, blue)).convert("L")
    dark = luma.point(lambda value: 255 if value < INK_LUMA else 0)
    opaque = alpha.point(lambda value: 255 if value >= INK_ALPHA else 0)
    ink = Image.composite(dark, Image.new("L", image.size, 0), opaque)
    count = ink.histogram()[255]
    return count, ink.getbbox()


def clean_signature(raw):
    """PNG bytes of a drawn signature -> the same picture saved again as a clean PNG.

    Raises SignatureImageError when ``raw`` is not a PNG (NOT_PNG), cannot be decoded or has
    data after its end (UNREADABLE), is too large (TOO_BIG) or too small (TOO_SMALL) in
    pixels, or holds too little ink to be a signature (BLANK)."""
    if not isinstance(raw, bytes) or not raw.startswith(PNG_MAGIC):
        raise SignatureImageError(NOT_PNG)
    if not raw.endswith(IEND_CHUNK):
        # a polyglot or a truncated file: something follows the image, or its end is missing
        raise SignatureImageError(UNREADABLE)
    try:
        image = _open(raw)
        width, height = image.size
        # the header says the size before anything is decompressed: refuse bombs here
        if width > MAX_WIDTH or height > MAX_HEIGHT or width * height > MAX_PIXELS:
            raise SignatureImageError(TOO_BIG)
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            raise SignatureImageError(TOO_SMALL)
        image.verify()  # chunk checksums
        image = _open(raw)
        image.load()
        image = image.convert("RGBA")
    except SignatureImageError:
        raise
    except Image.DecompressionBombError as error:
        raise SignatureImageError(TOO_BIG) from error
    except (OSError, SyntaxError, ValueError, EOFError, zlib.error, MemoryError) as error:
        raise SignatureImageError(UNREADABLE) from error
    count, box = ink_box(image)
    if (count < MIN_INK_PIXELS or count < MIN_INK_SHARE * width * height or not box
            or (box[2] - box[0]) < MIN_INK_SPAN * width):
        raise SignatureImageError(BLANK)
    stream = io.BytesIO()
    image.save(stream, format="PNG", optimize=False)
    return stream.getvalue()
