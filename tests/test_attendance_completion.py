"""The CPF completion rate and the checks of uploaded justifications."""

import io

import pytest
from conftest import load_module
from PIL import Image

completion = load_module("az_attendance_funder/tools/completion.py")
upload = load_module("az_attendance/tools/upload_file.py")


@pytest.mark.parametrize(
    "done, planned, rate",
    [
        (10, 10, 100),
        (9.99, 10, 99),
        (0.3, 0.3, 100),
        (0.1 + 0.2, 0.3, 100),
        (7, 21, 33),
        (14, 21, 66),
        (0, 35, 0),
        (40, 35, 100),
        (34.99, 35, 99),
        (17.5, 35, 50),
    ],
)
def test_rate_is_the_integer_part_never_rounded_up(done, planned, rate):
    assert completion.completion_rate(done, planned) == rate


@pytest.mark.parametrize("planned", [0, 0.0, None, -3, 0.004])
def test_rate_is_unknown_without_planned_hours(planned):
    assert completion.completion_rate(5, planned) is None
    assert not completion.is_partial(None)


def test_partial_means_below_100():
    assert completion.is_partial(99)
    assert not completion.is_partial(100)


def _image(fmt, size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format=fmt)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_pdf_is_kept_as_sent_with_a_clean_name():
    data, mimetype, name = upload.clean_upload(PDF, "C:\\docs\\arrêt maladie.exe.pdf")
    assert (data, mimetype) == (PDF, "application/pdf")
    assert name == "arrêt maladieexe.pdf"


@pytest.mark.parametrize("fmt, mimetype", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_images_are_decoded_and_saved_again(fmt, mimetype):
    raw = _image(fmt) + b"<script>hidden</script>"
    data, found, name = upload.clean_upload(raw, "photo.gif")
    assert found == mimetype
    assert b"hidden" not in data
    assert name.startswith("photo.")
    Image.open(io.BytesIO(data)).verify()


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"", upload.EMPTY),
        (None, upload.EMPTY),
        (b"MZ\x90\x00 an executable", upload.BAD_TYPE),
        (b"<html><script>alert(1)</script></html>", upload.BAD_TYPE),
        (b"GIF89a" + b"\x00" * 20, upload.BAD_TYPE),
        (b"%PDF-1.4 truncated", upload.UNREADABLE),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, upload.UNREADABLE),
        (b"\xff\xd8\xff" + b"\x00" * 50, upload.UNREADABLE),
        (b"%PDF-" + b"x" * upload.MAX_BYTES, upload.TOO_BIG),
    ],
)
def test_anything_else_is_refused(raw, code):
    with pytest.raises(upload.UploadError) as error:
        upload.clean_upload(raw, "file.pdf")
    assert error.value.code == code
