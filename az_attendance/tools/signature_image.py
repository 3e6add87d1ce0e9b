"""Checks of a drawn signature image sent by a signing device.

Pure Python with Pillow, no Odoo import. A signature must be a real PNG picture of bounded
size with enough ink to be a signature: the file is decoded (never trusted on its first
bytes), and what is kept is the decoded picture saved again, so that data hidden after the
image or in its text chunks (a PNG+SVG polyglot, a script) is never stored.

Each refusal raises :class:`SignatureImageError` with a ``code`` that the caller turns into a
translated sentence.
"""

import base64
import binascii
import io
import json
import math
import zlib

from PIL import Image, ImageChops, ImageDraw

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Largest signature file accepted, before it is decoded.
MAX_SIGNATURE_BYTES = 512 * 1024
DATA_URI_HEADER = "data:image/png;base64"
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

# The strokes a signing page sends with the picture (the points the finger went through, in
# CSS pixels of the drawing box): the picture's ink must lie along them, within this margin.
STROKE_MARGIN = 8
MAX_STROKES = 200
MAX_POINTS = 10_000
MIN_COVERED = 0.9
CURVE_SLACK = 0.3
MAX_STROKES_TEXT = 200_000

MISSING = "missing"
NOT_PNG = "not_png"
UNREADABLE = "unreadable"
TOO_BIG = "too_big"
TOO_SMALL = "too_small"
BLANK = "blank"
NOT_DRAWN = "not_drawn"


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


def ink_mask(image):
    """255 where an RGBA image has ink (dark enough and opaque enough), 0 elsewhere."""
    red, green, blue, alpha = image.split()
    luma = Image.merge("RGB", (red, green, blue)).convert("L")
    dark = luma.point(lambda value: 255 if value < INK_LUMA else 0)
    opaque = alpha.point(lambda value: 255 if value >= INK_ALPHA else 0)
    return Image.composite(dark, Image.new("L", image.size, 0), opaque)


def ink_box(image):
    """(ink pixel count, bounding box of the ink or None) of an RGBA image."""
    ink = ink_mask(image)
    return ink.histogram()[255], ink.getbbox()


def parse_strokes(text):
    """The strokes sent by a signing page -> (width, height, [[(x, y), ...], ...]).

    ``text`` is JSON: ``{"width": W, "height": H, "strokes": [[x1, y1, x2, y2, ...], ...]}``,
    the points of each stroke in CSS pixels of the W x H drawing box. Anything else raises
    SignatureImageError(NOT_DRAWN)."""
    if not isinstance(text, str) or not text or len(text) > MAX_STROKES_TEXT:
        raise SignatureImageError(NOT_DRAWN)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SignatureImageError(NOT_DRAWN) from error
    if not isinstance(data, dict):
        raise SignatureImageError(NOT_DRAWN)
    width, height, strokes = data.get("width"), data.get("height"), data.get("strokes")

    def number(value):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if not (number(width) and number(height) and 10 <= width <= MAX_WIDTH and 10 <= height <= MAX_HEIGHT):
        raise SignatureImageError(NOT_DRAWN)
    if not isinstance(strokes, list) or not 1 <= len(strokes) <= MAX_STROKES:
        raise SignatureImageError(NOT_DRAWN)
    points_count = 0
    result = []
    for stroke in strokes:
        if (
            not isinstance(stroke, list)
            or not stroke
            or len(stroke) % 2
            or not all(number(value) for value in stroke)
        ):
            raise SignatureImageError(NOT_DRAWN)
        points = list(zip(stroke[0::2], stroke[1::2], strict=True))
        if any(
            not (
                -STROKE_MARGIN <= x <= width + STROKE_MARGIN and -STROKE_MARGIN <= y <= height + STROKE_MARGIN
            )
            for x, y in points
        ):
            raise SignatureImageError(NOT_DRAWN)
        points_count += len(points)
        result.append(points)
    if points_count > MAX_POINTS:
        raise SignatureImageError(NOT_DRAWN)
    return width, height, result


def _control_points(first, middle, last):
    """Control points of the smooth curve through ``middle`` (as the signature pad library
    computes them)."""
    m1 = ((first[0] + middle[0]) / 2, (first[1] + middle[1]) / 2)
    m2 = ((middle[0] + last[0]) / 2, (middle[1] + last[1]) / 2)
    l1 = math.hypot(first[0] - middle[0], first[1] - middle[1])
    l2 = math.hypot(middle[0] - last[0], middle[1] - last[1])
    k = l2 / (l1 + l2) if l1 + l2 else 0
    cm = (m2[0] + (m1[0] - m2[0]) * k, m2[1] + (m1[1] - m2[1]) * k)
    tx, ty = middle[0] - cm[0], middle[1] - cm[1]
    return (m1[0] + tx, m1[1] + ty), (m2[0] + tx, m2[1] + ty)


def pad_curve(points, steps=12):
    """Points along the Bézier curves that the pad draws between consecutive points."""
    if len(points) < 2:
        return list(points)
    padded = [points[0], *points, points[-1]]
    curve = [points[0]]
    for p0, p1, p2, p3 in zip(padded, padded[1:], padded[2:], padded[3:], strict=False):
        c1 = _control_points(p0, p1, p2)[1]
        c2 = _control_points(p1, p2, p3)[0]
        for step in range(1, steps + 1):
            t = step / steps
            u = 1 - t
            curve.append(
                tuple(
                    u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                    for a, b, c, d in zip(p1, c1, c2, p2, strict=False)
                )
            )
    return curve


def check_drawn(image, strokes_text):
    """Whether the ink of ``image`` (RGBA) was drawn along the strokes: a typed name or an
    uploaded picture sent with made-up strokes has ink elsewhere. Raises NOT_DRAWN."""
    width, height, strokes = parse_strokes(strokes_text)
    scale_x, scale_y = image.width / width, image.height / height
    pen = max(int(2 * STROKE_MARGIN * max(scale_x, scale_y)), 3)
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    for stroke in strokes:
        points = [(x * scale_x, y * scale_y) for x, y in stroke]
        # the curves the pad draws through the points, and around each straight segment a
        # band that widens with its length: a quick gesture gives points far apart, between
        # which the pad's curve strays from the segment
        curve = pad_curve(points)
        if len(curve) > 1:
            draw.line(curve, fill=255, width=pen, joint="curve")
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            band = max(pen, int(CURVE_SLACK * math.hypot(x2 - x1, y2 - y1)))
            draw.line([(x1, y1), (x2, y2)], fill=255, width=band)
            for x, y in ((x1, y1), (x2, y2)):
                draw.ellipse((x - band / 2, y - band / 2, x + band / 2, y + band / 2), fill=255)
        for x, y in points[:1]:
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    ink = ink_mask(image)
    total = ink.histogram()[255]
    covered = ImageChops.multiply(ink, mask).histogram()[255]
    if not total or covered < MIN_COVERED * total:
        raise SignatureImageError(NOT_DRAWN)


def decode_text(data):
    """The bytes of a signature sent as text: a ``data:image/png;base64,...`` URI (what the
    signing pages send) or bare base64 (Odoo's signature widget). Refuses a missing value
    (MISSING), another kind of data URI (NOT_PNG), more than MAX_SIGNATURE_BYTES (TOO_BIG,
    checked before decoding) and text that is not strict base64 (UNREADABLE)."""
    if not isinstance(data, str) or not data:
        raise SignatureImageError(MISSING)
    if data.startswith("data:"):
        header, _sep, data = data.partition(",")
        if header != DATA_URI_HEADER:
            raise SignatureImageError(NOT_PNG)
    if len(data) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise SignatureImageError(TOO_BIG)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureImageError(UNREADABLE) from None


def clean_signature(raw, strokes=None):
    """PNG bytes of a drawn signature -> the same picture saved again as a clean PNG.

    Raises SignatureImageError when ``raw`` is not a PNG (NOT_PNG), cannot be decoded or has
    data after its end (UNREADABLE), is too large (TOO_BIG) or too small (TOO_SMALL) in
    pixels, or holds too little ink to be a signature (BLANK). With ``strokes`` (the JSON a
    signing page sends, see parse_strokes), the ink must also lie along them (NOT_DRAWN):
    what is signed was drawn in the box, not typed or uploaded."""
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
    if (
        count < MIN_INK_PIXELS
        or count < MIN_INK_SHARE * width * height
        or not box
        or (box[2] - box[0]) < MIN_INK_SPAN * width
    ):
        raise SignatureImageError(BLANK)
    if strokes is not None:
        check_drawn(image, strokes)
    stream = io.BytesIO()
    image.save(stream, format="PNG", optimize=False)
    return stream.getvalue()
