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

from PIL import Image, ImageChops, ImageDraw, ImageFilter

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
# CSS pixels of the drawing box). The pad draws a curve of at most 3 CSS pixels of radius
# between its points: the picture's ink must lie within STROKE_MARGIN of those curves, and
# the curves must have ink under them (within INK_REACH).
STROKE_MARGIN = 6
INK_REACH = 2.5
MAX_STROKES = 200
OUTSIDE = 0.25
MAX_POINTS = 10_000
MIN_COVERED = 0.9
MIN_ALONG = 0.9
MAX_STROKES_TEXT = 200_000
# What a hand draws: a pen sampled every 16 ms moves a few pixels between two points, so the
# points of a long stroke are close to each other (a scripted zig-zag or a cloud of random
# points is not); the path of a signature is a few times the box long, and its ink leaves
# most of the box empty.
LONG_STROKE_POINTS = 8
MAX_MEDIAN_STEP = 0.2
MAX_PATH_LENGTH = 40
MAX_BAND_SHARE = 0.5
MAX_NESTING = 4
# The ink drawn by the server from the strokes (what is kept): the pad's colour, and a pen of
# this radius in CSS pixels (the pad's pen is 1.2 to 3).
PEN_COLOUR = (26, 35, 126, 255)
PEN_RADIUS = 1.6

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


def _nesting(text):
    """Deepest nesting of brackets and braces in ``text`` (strings left out)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_strokes(text):
    """The strokes sent by a signing page -> (width, height, [[(x, y), ...], ...]).

    ``text`` is JSON: ``{"width": W, "height": H, "strokes": [[x1, y1, x2, y2, ...], ...]}``,
    the points of each stroke in CSS pixels of the W x H drawing box. Anything else raises
    SignatureImageError(NOT_DRAWN)."""
    if not isinstance(text, str) or not text or len(text) > MAX_STROKES_TEXT:
        raise SignatureImageError(NOT_DRAWN)
    if _nesting(text) > MAX_NESTING:
        # deeply nested JSON would exhaust the parser's recursion: refused before parsing
        raise SignatureImageError(NOT_DRAWN)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
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
        # a finger lifted past the edge of the box ends its stroke out of it
        if any(
            not (
                -OUTSIDE * width <= x <= (1 + OUTSIDE) * width
                and -OUTSIDE * height <= y <= (1 + OUTSIDE) * height
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


def pad_curves(points):
    """The curves the signature pad draws for one stroke, each as (p1, c1, c2, p2), the
    Bézier from p1 to p2 in the order the pad evaluates it: for each point from the third
    on, the curve between the two points before it (the first point counted twice; the last
    segment of a stroke is never drawn). The pad evaluates its curve with its two control
    points in the opposite order of their names (``control1`` is the one computed at the
    end point): that is what is drawn on the screen, so that is what is reproduced."""
    curves = []
    last = []
    for point in points:
        last.append(point)
        if len(last) < 3:
            continue
        if len(last) == 3:
            last.insert(0, last[0])
        p0, p1, p2, p3 = last
        near_start = _control_points(p0, p1, p2)[1]
        near_end = _control_points(p1, p2, p3)[0]
        curves.append((p1, near_end, near_start, p2))
        last.pop(0)
    return curves


def curve_points(curve, step=1.5):
    """Points along one curve of :func:`pad_curves`, ``step`` pixels apart or less."""
    p1, c1, c2, p2 = curve
    chord = math.hypot(c1[0] - p1[0], c1[1] - p1[1])
    chord += math.hypot(c2[0] - c1[0], c2[1] - c1[1]) + math.hypot(p2[0] - c2[0], p2[1] - c2[1])
    steps = max(2, math.ceil(chord / step))
    result = []
    for index in range(steps + 1):
        t = index / steps
        u = 1 - t
        result.append(
            tuple(
                u**3 * a + 3 * u * u * t * b + 3 * u * t * t * c + t**3 * d
                for a, b, c, d in zip(p1, c1, c2, p2, strict=False)
            )
        )
    return result


def pad_curve(points):
    """Points along everything the pad draws for one stroke (for the tests' drawings)."""
    return [point for curve in pad_curves(points) for point in curve_points(curve)] or list(points[:1])


def check_hand(width, height, strokes):
    """Whether the strokes are what a finger, a stylus or a mouse draws (NOT_DRAWN): the
    points of a long stroke close to each other, a path of bounded length."""
    path = 0.0
    for stroke in strokes:
        steps = [math.hypot(x2 - x1, y2 - y1) for (x1, y1), (x2, y2) in zip(stroke, stroke[1:], strict=False)]
        path += sum(steps)
        if len(stroke) >= LONG_STROKE_POINTS and sorted(steps)[len(steps) // 2] > MAX_MEDIAN_STEP * max(
            width, height
        ):
            raise SignatureImageError(NOT_DRAWN)
    if path > MAX_PATH_LENGTH * (width + height):
        raise SignatureImageError(NOT_DRAWN)


def _scaled_strokes(strokes, scale_x, scale_y):
    return [[(x * scale_x, y * scale_y) for x, y in stroke] for stroke in strokes]


def render_strokes(size, width, height, strokes, radius=PEN_RADIUS):
    """The ink of the strokes drawn by the server, as the pad draws them: an RGBA picture
    of ``size`` (the picture the page sent) for a ``width`` x ``height`` box."""
    scale_x, scale_y = size[0] / width, size[1] / height
    pen = max(radius * max(scale_x, scale_y), 1.0)
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for stroke in _scaled_strokes(strokes, scale_x, scale_y):
        x, y = stroke[0]
        draw.ellipse((x - pen, y - pen, x + pen, y + pen), fill=PEN_COLOUR)
        for curve in pad_curves(stroke):
            line = curve_points(curve)
            draw.line(line, fill=PEN_COLOUR, width=max(round(2 * pen), 2))
            for x, y in line[:: max(1, len(line) // 8)] + line[-1:]:
                draw.ellipse((x - pen, y - pen, x + pen, y + pen), fill=PEN_COLOUR)
    return image


def check_drawn(image, strokes_text):
    """Whether the ink of ``image`` (RGBA) was drawn along the strokes, and the strokes are a
    hand's: a typed name or an uploaded picture sent with made-up strokes has ink off the
    curves the strokes give, or curves with no ink under them. Returns the parsed strokes
    (width, height, strokes). Raises NOT_DRAWN."""
    width, height, strokes = parse_strokes(strokes_text)
    check_hand(width, height, strokes)
    scale_x, scale_y = image.width / width, image.height / height
    scale = max(scale_x, scale_y)
    margin = STROKE_MARGIN * scale
    band = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(band)
    samples = []
    for stroke in _scaled_strokes(strokes, scale_x, scale_y):
        x, y = stroke[0]
        draw.ellipse((x - margin, y - margin, x + margin, y + margin), fill=255)
        samples.append((x, y))
        for curve in pad_curves(stroke):
            line = curve_points(curve)
            draw.line(line, fill=255, width=max(int(2 * margin), 3))
            for x, y in (line[0], line[-1]):
                draw.ellipse((x - margin, y - margin, x + margin, y + margin), fill=255)
            samples.extend(line)
    ink = ink_mask(image)
    total = ink.histogram()[255]
    covered = ImageChops.multiply(ink, band).histogram()[255]
    if not total or covered < MIN_COVERED * total:
        raise SignatureImageError(NOT_DRAWN)
    if band.histogram()[255] > MAX_BAND_SHARE * image.width * image.height:
        # curves all over the box: a scribble that would pass any picture
        raise SignatureImageError(NOT_DRAWN)
    reach = max(1, math.ceil(INK_REACH * scale))
    # ink within ``reach`` of a point: a box blur of the ink is not zero there (a box
    # blur costs the same whatever its size, unlike a maximum filter)
    near = ink.filter(ImageFilter.BoxBlur(reach)).load()
    right, bottom = image.width - 1, image.height - 1
    inked = sum(1 for x, y in samples if near[min(max(int(x), 0), right), min(max(int(y), 0), bottom)])
    if inked < MIN_ALONG * len(samples):
        raise SignatureImageError(NOT_DRAWN)
    return width, height, strokes


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
        # what is kept is the ink drawn by the server from the strokes: only what the
        # strokes trace is ever stored, whatever else the picture held
        box_width, box_height, parsed = check_drawn(image, strokes)
        image = render_strokes(image.size, box_width, box_height, parsed)
    stream = io.BytesIO()
    image.save(stream, format="PNG", optimize=False)
    return stream.getvalue()
