"""Checks of a file a participant uploads (an absence justification). Pure Python.

The type is read from the content, never from the name or the browser's claim: a PDF must
start with ``%PDF-`` and end with ``%%EOF``; a PNG or JPEG must be decoded by Pillow, and is
saved again from its decoded pixels, so that nothing hidden after or inside the file (nor
the camera's location) is kept. Size is bounded before any decoding.
"""

import io

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
EMPTY = "empty"
TOO_BIG = "too big"
BAD_TYPE = "bad type"
UNREADABLE = "unreadable"

_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


class UploadError(ValueError):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def sniff(data):
    """The MIME type the content says, among the accepted ones, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def clean_upload(data, filename=""):
    """``(bytes to keep, mimetype, filename)`` of an accepted upload, or UploadError."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise UploadError(EMPTY)
    if len(data) > MAX_BYTES:
        raise UploadError(TOO_BIG)
    data = bytes(data)
    mimetype = sniff(data)
    if not mimetype:
        raise UploadError(BAD_TYPE)
    if mimetype == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(UNREADABLE)
        clean = data
    else:
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UploadError(TOO_BIG)
                image.load()
                fmt = "PNG" if mimetype == "image/png" else "JPEG"
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format=fmt)
                clean = out.getvalue()
        except UploadError:
            raise
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise UploadError(UNREADABLE) from None
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = "".join(c for c in base if c.isalnum() or c in " -_").strip()[:80] or "justificatif"
    return clean, mimetype, f"{base}.{_EXTENSIONS[mimetype]}"
