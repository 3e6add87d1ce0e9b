"""Server checks of drawn signature images (az_attendance/tools/signature_image.py)."""

import io
import json
import struct
import zlib

import pytest
from conftest import load_module
from PIL import Image, ImageDraw, ImageFont

si = load_module("az_attendance/tools/signature_image.py")


def png(image):
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


def drawn(size=(600, 200), width=4):
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.line(
        [
            (w * 0.05, h * 0.8),
            (w * 0.2, h * 0.2),
            (w * 0.4, h * 0.7),
            (w * 0.7, h * 0.3),
            (w * 0.95, h * 0.6),
        ],
        fill=(20, 30, 120, 255),
        width=width,
    )
    return image


def chunk(kind, data):
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def code_of(raw):
    with pytest.raises(si.SignatureImageError) as error:
        si.clean_signature(raw)
    return error.value.code


def test_a_drawn_signature_is_kept_as_a_clean_png():
    raw = png(drawn())
    clean = si.clean_signature(raw)
    assert clean.startswith(si.PNG_MAGIC)
    image = Image.open(io.BytesIO(clean))
    assert image.size == (600, 200)
    # the same picture
    assert Image.open(io.BytesIO(raw)).convert("RGBA").tobytes() == image.tobytes()


def test_a_white_background_signature_is_accepted():
    image = Image.new("RGB", (400, 150), "white")
    ImageDraw.Draw(image).line([(20, 120), (150, 20), (380, 100)], fill="black", width=3)
    assert si.clean_signature(png(image))


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGBA", (600, 200), (0, 0, 0, 0)),  # blank, transparent
        Image.new("RGB", (600, 200), "white"),  # blank, white
        Image.new("RGBA", (600, 200), (0, 0, 0, 40)),  # a faint veil, no stroke
    ],
)
def test_blank_images_are_refused(image):
    assert code_of(png(image)) == si.BLANK


def test_a_dot_is_not_a_signature():
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((290, 90, 300, 100), fill=(0, 0, 0, 255))
    assert code_of(png(image)) == si.BLANK


def test_magic_bytes_followed_by_zeros_are_refused():
    assert code_of(si.PNG_MAGIC + b"\x00" * 4000) == si.UNREADABLE
    assert code_of(si.PNG_MAGIC + b"\x00" * 4000 + si.IEND_CHUNK) == si.UNREADABLE


def test_not_a_png_is_refused():
    gif = io.BytesIO()
    drawn().convert("RGB").save(gif, format="GIF")
    assert code_of(gif.getvalue()) == si.NOT_PNG
    assert code_of(b"<svg xmlns='http://www.w3.org/2000/svg'/>") == si.NOT_PNG
    assert code_of("text") == si.NOT_PNG


def test_a_png_svg_polyglot_is_refused_or_cleaned():
    raw = png(drawn())
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    # the SVG after the end of the image
    assert code_of(raw + svg) == si.UNREADABLE
    # the SVG inside a text chunk: decoded, and the stored file no longer holds it
    iend = raw.rindex(b"IEND") - 4
    inside = raw[:iend] + chunk(b"tEXt", b"Comment\x00" + svg) + raw[iend:]
    assert svg in inside
    clean = si.clean_signature(inside)
    assert b"<svg" not in clean and b"script" not in clean


def test_a_decompression_bomb_is_refused_before_decoding():
    # 20000 x 20000 px of one colour: a small file that would take 1.6 GB once decoded
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 6, 0, 0, 0)
    row = b"\x00" + b"\x00" * 4 * 20000
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    raw = si.PNG_MAGIC + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    assert len(raw) < 100_000
    assert code_of(raw) == si.TOO_BIG


def test_sizes_are_bounded():
    assert code_of(png(drawn(size=(5000, 200), width=8))) == si.TOO_BIG
    assert code_of(png(drawn(size=(40, 20), width=2))) == si.TOO_SMALL


def test_malformed_chunks_are_refused():
    raw = bytearray(png(drawn()))
    idat = raw.index(b"IDAT")
    raw[idat + 10] ^= 0xFF  # corrupt data, CRC no longer matches
    assert code_of(bytes(raw)) == si.UNREADABLE
    raw = png(drawn())
    # a chunk whose length runs past the end of the file
    broken = raw[:33] + struct.pack(">I", 2**31 - 1) + b"IDAT" + raw[41:]
    assert code_of(broken) == si.UNREADABLE
    # truncated in the middle of the data
    assert code_of(raw[: len(raw) // 2] + si.IEND_CHUNK) == si.UNREADABLE


def test_typed_text_in_a_small_font_is_too_little_ink():
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).text((250, 90), "ok", fill=(0, 0, 0, 255), font=ImageFont.load_default())
    assert code_of(png(image)) == si.BLANK


def strokes_of(points, size=(600, 200), scale=1):
    """The strokes JSON a signing page sends for a drawing through ``points`` (CSS pixels)."""
    return json.dumps(
        {
            "width": size[0] / scale,
            "height": size[1] / scale,
            "strokes": [[c / scale for point in points for c in point]],
        }
    )


STROKE = [(30, 160), (120, 40), (240, 140), (420, 60), (570, 120)]


def drawn_along(points, size=(600, 200), scale=1):
    """What the signing pad draws through ``points`` (CSS pixels) on a canvas of ``size``
    device pixels."""
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    curve = [(x * scale, y * scale) for x, y in si.pad_curve(points)]
    ImageDraw.Draw(image).line(curve, fill=(20, 30, 120, 255), width=round(4 * scale))
    return png(image)


def test_a_drawing_sent_with_its_strokes_is_accepted():
    assert si.clean_signature(drawn_along(STROKE), strokes_of(STROKE))
    # a tablet at 2 device pixels per CSS pixel: the picture is twice the box
    half = [(x / 2, y / 2) for x, y in STROKE]
    assert si.clean_signature(drawn_along(half, scale=2), strokes_of(STROKE, scale=2))


def typed_name(text="Amina D.", size=(600, 200)):
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    font = ImageFont.truetype("DejaVuSans.ttf", 80)  # Debian fonts-dejavu-core, in the setup
    ImageDraw.Draw(image).text((30, 40), text, fill=(0, 0, 0, 255), font=font)
    return image


def refused(raw, strokes):
    with pytest.raises(si.SignatureImageError) as error:
        si.clean_signature(raw, strokes)
    return error.value.code == si.NOT_DRAWN


def test_a_typed_name_with_long_zig_zags_across_the_box_is_refused():
    typed = png(typed_name())
    for passes in (3, 6, 12, 24):
        zig = [(10 + 580 * (i % 2), 10 + 180 * i / passes) for i in range(passes + 1)]
        assert refused(typed, strokes_of(zig)), passes
        # the same zig-zags cut into points a few pixels apart
        dense = []
        for (x1, y1), (x2, y2) in zip(zig, zig[1:], strict=False):
            dense += [(x1 + (x2 - x1) * k / 100, y1 + (y2 - y1) * k / 100) for k in range(100)]
        assert refused(typed, strokes_of(dense)), passes


def test_a_typed_name_with_ten_thousand_random_points_is_refused():
    import random

    rng = random.Random(7)
    typed = png(typed_name())
    cloud = [(rng.uniform(0, 600), rng.uniform(0, 200)) for _ in range(10_000)]
    assert refused(typed, strokes_of(cloud))
    # in many short strokes, or as a slow random walk that fills the box
    many = json.dumps(
        {
            "width": 600,
            "height": 200,
            "strokes": [[c for p in cloud[i : i + 50] for c in p] for i in range(0, 10_000, 50)],
        }
    )
    assert refused(typed, many)
    walk, x, y = [], 300.0, 100.0
    for _ in range(10_000):
        x = min(max(x + rng.uniform(-6, 6), 0), 600)
        y = min(max(y + rng.uniform(-6, 6), 0), 200)
        walk.append((x, y))
    assert refused(typed, strokes_of(walk))
    scribble = png(si.render_strokes((600, 200), 600, 200, [walk], radius=3))
    assert refused(scribble, strokes_of(walk)), "strokes covering the box are a fill, not a signature"


def test_what_is_kept_is_the_ink_the_strokes_draw():
    """A drawing with a small typed word beside it passes the checks (the word is little of
    the ink), but what is kept is drawn by the server from the strokes: not the word."""
    image = Image.open(io.BytesIO(drawn_along(STROKE))).convert("RGBA")
    ImageDraw.Draw(image).text((480, 170), "ok", fill=(0, 0, 0, 255), font=ImageFont.load_default())
    kept = Image.open(io.BytesIO(si.clean_signature(png(image), strokes_of(STROKE)))).convert("RGBA")
    assert si.ink_mask(kept).crop((470, 160, 600, 200)).getbbox() is None
    assert si.ink_box(kept)[0] > 500


def test_deeply_nested_strokes_are_refused_without_exhausting_the_parser():
    for text in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        with pytest.raises(si.SignatureImageError) as error:
            si.parse_strokes(text)
        assert error.value.code == si.NOT_DRAWN
    # brackets inside a string do not count
    assert si._nesting('{"w": "[[[[[[[["}') == 1


def test_a_typed_name_is_not_a_drawing():
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    font = ImageFont.truetype("DejaVuSans.ttf", 80)  # Debian fonts-dejavu-core, in the setup
    ImageDraw.Draw(image).text((30, 40), "Amina D.", fill=(0, 0, 0, 255), font=font)
    typed = png(image)
    assert si.clean_signature(typed), "enough ink for the picture checks alone"
    # without strokes, with made-up strokes, or with strokes of another drawing: refused
    for strokes in ("", "[]", strokes_of(STROKE), strokes_of([(10, 10), (20, 20)])):
        with pytest.raises(si.SignatureImageError) as error:
            si.clean_signature(typed, strokes)
        assert error.value.code == si.NOT_DRAWN, strokes


def test_an_uploaded_picture_with_the_strokes_of_part_of_it_is_refused():
    image = drawn_along(STROKE)
    with pytest.raises(si.SignatureImageError) as error:
        si.clean_signature(image, strokes_of(STROKE[:2]))
    assert error.value.code == si.NOT_DRAWN


@pytest.mark.parametrize(
    "strokes",
    [
        None,
        42,
        "{",
        "null",
        json.dumps([[1, 2]]),
        json.dumps({"width": 600, "height": 200, "strokes": []}),
        json.dumps({"width": 600, "height": 200, "strokes": [[1, 2, 3]]}),
        json.dumps({"width": 600, "height": 200, "strokes": [["1", "2"]]}),
        json.dumps({"width": 600, "height": 200, "strokes": [[1e308 * 10, 2]]}).replace("Infinity", "1e999"),
        json.dumps({"width": 600, "height": 200, "strokes": [[5000, 20]]}),
        json.dumps({"width": True, "height": 200, "strokes": [[1, 2]]}),
        json.dumps({"width": 600, "height": 200, "strokes": [[1, 2]] * 500}),
        "x" * 300_000,
    ],
)
def test_malformed_strokes_are_refused(strokes):
    with pytest.raises(si.SignatureImageError) as error:
        si.check_drawn(Image.open(io.BytesIO(drawn_along(STROKE))).convert("RGBA"), strokes)
    assert error.value.code == si.NOT_DRAWN


def test_the_curves_the_pad_draws_between_far_points_are_accepted():
    """The pad draws smooth curves through the points: between points far apart (a quick
    gesture), the ink leaves the straight segments."""
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line(si.pad_curve(STROKE), fill=(20, 30, 120, 255), width=2)
    assert si.clean_signature(png(image), strokes_of(STROKE))


def test_signature_text_is_read_by_the_pure_module():
    import base64

    raw = b"\x89PNG\r\n\x1a\nwhatever"
    encoded = base64.b64encode(raw).decode()
    assert si.decode_text("data:image/png;base64," + encoded) == raw
    assert si.decode_text(encoded) == raw  # bare base64, as Odoo's signature widget sends
    for value, code in [
        (None, si.MISSING),
        ("", si.MISSING),
        (b"bytes", si.MISSING),
        ("data:image/svg+xml;base64," + encoded, si.NOT_PNG),
        ("data:text/html,<script>", si.NOT_PNG),
        ("A" * (si.MAX_SIGNATURE_BYTES * 4 // 3 + 8), si.TOO_BIG),
        ("not base64!", si.UNREADABLE),
        ("data:image/png;base64,QUJD\nRA==", si.UNREADABLE),
    ]:
        with pytest.raises(si.SignatureImageError) as caught:
            si.decode_text(value)
        assert caught.value.code == code, value
