"""Trusted timestamps (RFC 3161) against a real local authority (``openssl ts``), no Odoo."""

import importlib.util
import pathlib
import shutil
import tempfile

import pytest

ADDON = pathlib.Path(__file__).resolve().parent.parent / "az_attendance"


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


timestamp = _load(ADDON / "tools" / "timestamp.py", "az_attendance_tools_timestamp")
local_tsa = _load(ADDON / "tests" / "local_tsa.py", "az_attendance_local_tsa")
pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not installed")
SEAL = "$2$" + "ab" * 32


@pytest.fixture(scope="module")
def authority():
    directory = tempfile.mkdtemp()
    certificate = local_tsa.make_authority(directory)
    yield directory, certificate
    shutil.rmtree(directory, ignore_errors=True)


def _token(directory, seal=SEAL):
    digest = timestamp.imprint(seal)
    query, nonce = timestamp.make_request(digest)
    return timestamp.parse_response(local_tsa.reply(directory, query), digest, nonce)


def test_a_token_proves_the_seal_and_its_time(authority):
    directory, certificate = authority
    token = _token(directory)
    when, signer = timestamp.check_token(token, timestamp.imprint(SEAL), certificate)
    assert signer == certificate
    assert when.tzinfo is not None


def test_a_token_does_not_prove_another_seal(authority):
    directory, _certificate = authority
    token = _token(directory)
    with pytest.raises(timestamp.TimestampError, match="another seal"):
        timestamp.check_token(token, timestamp.imprint("$2$" + "cd" * 32))


def test_a_token_of_another_authority_is_refused(authority):
    directory, _certificate = authority
    other = tempfile.mkdtemp()
    try:
        other_certificate = local_tsa.make_authority(other, "Another TSA")
        token = _token(directory)
        with pytest.raises(timestamp.TimestampError, match="another authority"):
            timestamp.check_token(token, timestamp.imprint(SEAL), other_certificate)
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_an_altered_token_is_refused(authority):
    directory, certificate = authority
    token = bytearray(_token(directory))
    token[-10] ^= 0xFF  # inside the signature
    with pytest.raises(timestamp.TimestampError):
        timestamp.check_token(bytes(token), timestamp.imprint(SEAL), certificate)


def test_a_reply_to_another_request_is_refused(authority):
    directory, _certificate = authority
    digest = timestamp.imprint(SEAL)
    query, nonce = timestamp.make_request(digest)
    with pytest.raises(timestamp.TimestampError, match="another request"):
        timestamp.parse_response(local_tsa.reply(directory, query), digest, nonce + 1)
    with pytest.raises(timestamp.TimestampError):
        timestamp.parse_response(b"not a reply", digest, nonce)
