"""Fast tests of az_attendance's pure helpers (seal chain, signed tokens), without Odoo."""

import hashlib
import hmac
import importlib.util
import pathlib
import sys

import pytest

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "az_attendance" / "tools"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"az_attendance_tools_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


seal = _load("seal")
tokens = _load("tokens")


def test_modules_do_not_import_odoo():
    assert "odoo" not in sys.modules or not any(getattr(m, "__name__", "") == "odoo" for m in (seal, tokens))
    for name in ("seal", "tokens"):
        text = (TOOLS / f"{name}.py").read_text()
        assert "import odoo" not in text and "from odoo" not in text


def test_canonical_is_independent_of_key_order():
    a = seal.canonical({"b": 1, "a": "é", "c": None})
    b = seal.canonical({"c": None, "a": "é", "b": 1})
    assert a == b == '{"a":"é","b":1,"c":null}'


def test_canonical_refuses_non_scalars():
    with pytest.raises(TypeError):
        seal.canonical({"a": [1, 2]})


def test_image_digest():
    assert seal.image_digest(b"") == ""
    assert seal.image_digest(None) == ""
    assert seal.image_digest(b"abc") == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert seal.image_digest("abc") == seal.image_digest(b"abc")


def _lines():
    return [
        seal.canonical({"id": i, "status": "present", "img": seal.image_digest(b"x%d" % i)}) for i in range(4)
    ]


def test_chain_links_each_hash_to_the_previous():
    lines = _lines()
    chain = seal.compute_chain(lines)
    assert chain[0][0] == seal.GENESIS
    for (prev, _cur), (_p, before) in zip(chain[1:], chain[:-1], strict=False):
        assert prev == before
    assert seal.final_seal(lines) == chain[-1][1]
    assert seal.final_seal([]) == seal.GENESIS


def test_verify_accepts_an_untouched_chain():
    lines = _lines()
    hashes = [h for _p, h in seal.compute_chain(lines)]
    assert seal.verify_chain(lines, hashes, hashes[-1]) == []


def test_verify_names_only_the_altered_line():
    lines = _lines()
    hashes = [h for _p, h in seal.compute_chain(lines)]
    lines[2] = lines[2].replace("present", "absent")
    assert seal.verify_chain(lines, hashes, hashes[-1]) == [2]


def test_verify_detects_a_rewritten_stored_hash():
    lines = _lines()
    hashes = [h for _p, h in seal.compute_chain(lines)]
    hashes[1] = "f" * 64
    # line 1 no longer matches, and line 2 was chained to the genuine hash of line 1
    assert seal.verify_chain(lines, hashes, hashes[-1]) == [1, 2]


def test_verify_detects_removed_line_and_altered_seal():
    lines = _lines()
    hashes = [h for _p, h in seal.compute_chain(lines)]
    assert seal.verify_chain(lines[:3], hashes, hashes[-1]) == [3]
    assert seal.verify_chain(lines, hashes, "0" * 64) == [-1]


def test_reordering_is_detected():
    lines = _lines()
    hashes = [h for _p, h in seal.compute_chain(lines)]
    lines[0], lines[1] = lines[1], lines[0]
    assert seal.verify_chain(lines, hashes) == [0, 1]


SECRET = "s3cret"


def signer(secret):
    """The shape of ``odoo.tools.hmac`` bound to an environment: (scope, message) -> hex."""
    return lambda scope, message: hmac.new(
        secret.encode(), repr((scope, message)).encode(), hashlib.sha256
    ).hexdigest()


SIGN = signer(SECRET)


def test_token_roundtrip():
    token = tokens.make_token(SIGN, 12, 3, 2000)
    assert tokens.check_token(SIGN, token, now=1999) == (12, 3, 2000)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t.replace("12-", "13-", 1),  # another person's line
        lambda t: t.replace("-3-", "-4-", 1),  # another session
        lambda t: t.replace("-2000-", "-9999-", 1),  # extended expiry
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # altered mac
    ],
)
def test_tampered_tokens_are_refused(mutate):
    token = mutate(tokens.make_token(SIGN, 12, 3, 2000))
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_token(SIGN, token, now=1000)


def test_expired_token_is_refused():
    token = tokens.make_token(SIGN, 12, 3, 2000)
    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.check_token(SIGN, token, now=2001)


def test_other_secret_or_purpose_is_refused():
    token = tokens.make_token(SIGN, 12, 3, 2000)
    with pytest.raises(tokens.TokenError):
        tokens.check_token(signer("other"), token, now=1000)
    with pytest.raises(tokens.TokenError):
        tokens.check_token(SIGN, token, now=1000, purpose="verify")


@pytest.mark.parametrize(
    "bad", ["", "abc", "1-2-3", "1-2-3-" + "!" * 43, "x" * 500, None, 42, "1-2-3-" + "a" * 43 + "\n"]
)
def test_malformed_tokens_are_refused(bad):
    with pytest.raises(tokens.TokenError):
        tokens.check_token(SIGN, bad, now=0)


def test_empty_secret_is_refused():
    with pytest.raises(tokens.TokenError):
        tokens.make_token(lambda scope, message: "", 1, 2, 3)


# ---------------------------------------------------------------- versioned seal (version 2+)


def test_hash_carries_its_version():
    digest = "a" * 64
    assert seal.format_hash(1, digest) == digest
    assert seal.format_hash(2, digest) == "$2$" + digest
    assert seal.parse_hash("$2$" + digest) == (2, digest)
    assert seal.parse_hash(digest) == (1, digest)
    for bad in (
        None,
        "",
        "$2$abc",
        "$0$" + digest,
        "$x$" + digest,
        digest.upper(),
        42,
        "$2$" + digest + "\n",
    ):
        assert seal.parse_hash(bad) == (None, None)


def test_versioned_hash_chains_on_the_stored_form():
    first = seal.versioned_hash(2, seal.GENESIS, "a")
    assert first.startswith("$2$")
    assert seal.versioned_hash(2, first, "b") != seal.versioned_hash(2, first[3:], "b")
    assert seal.versioned_hash(3, first, "b")[3:] == seal.versioned_hash(2, first, "b")[3:]


def test_scalar_reads_the_same_value_whatever_read_it():
    from datetime import date, datetime

    assert seal.scalar("char", "") is None and seal.scalar("char", False) is None
    assert seal.scalar("boolean", None) is False
    assert seal.scalar("many2one", 7) == 7
    assert seal.scalar("many2many", [3, 1, 2]) == "1,2,3"
    assert seal.scalar("many2many", []) is None
    assert seal.scalar("float", 1.0 / 3) == "0.3333"
    assert seal.scalar("float", 2) == "2.0000"
    assert seal.scalar("datetime", datetime(2025, 3, 11, 8, 0, 5)) == "2025-03-11 08:00:05"
    assert seal.scalar("date", date(2025, 3, 11)) == "2025-03-11"
    with pytest.raises(TypeError):
        seal.scalar("binary", b"x")
    with pytest.raises(TypeError):
        seal.scalar("date", "2025-03-11")


def test_record_canonical_covers_every_declared_field():
    kinds = {"status": "selection", "hours": "float"}
    one = seal.record_canonical(2, "m", 5, kinds, {"status": "present", "hours": 2.0})
    assert one == '{"_id":5,"_model":"m","_v":2,"hours":"2.0000","status":"present"}'
    # a field missing from the values reads as empty, so it is still covered
    assert '"hours":null' in seal.record_canonical(2, "m", 5, kinds, {"status": "present"})
    # growing the list changes the text: the version says which list was used
    grown = dict(kinds, reason="text")
    assert seal.record_canonical(3, "m", 5, grown, {"status": "present", "hours": 2.0}) != one


def test_manifest_names_missing_added_and_reordered():
    assert seal.compare_manifest([1, 2, 3], [1, 2, 3]) == ([], [], False)
    assert seal.compare_manifest([1, 2, 3], [1, 3]) == ([2], [], False)
    assert seal.compare_manifest([1, 2, 3], [1, 2, 3, 9]) == ([], [9], False)
    assert seal.compare_manifest([1, 2, 3], [2, 1, 3]) == ([], [], True)
    text = seal.manifest_text([(1, 10, "Amina"), (2, 11, "Lucas")])
    assert seal.parse_manifest(text) == [[1, 10, "Amina"], [2, 11, "Lucas"]]
    for bad in (None, "", "{", "{}", "[1]", "[[]]"):
        assert seal.parse_manifest(bad) is None


def test_seal_travels_in_the_verify_address_and_back():
    digest = "0123456789abcdef" * 4
    assert seal.seal_to_url("$2$" + digest) == "2-" + digest
    assert seal.seal_to_url(digest) == digest
    assert seal.seal_to_url("nonsense") == ""
    for stored in ("$2$" + digest, digest, "$17$" + digest):
        assert seal.seal_from_url(seal.seal_to_url(stored)) == stored
    assert seal.seal_from_url(" 2-" + digest.upper() + " ") == "$2$" + digest
    for bad in (
        None,
        42,
        "",
        "2-",
        "-" + digest,
        "1-" + digest,
        "0-" + digest,
        "x-" + digest,
        "2-" + digest[:-1],
        "2-" + digest + "0",
        "2--" + digest,
        "a" * 200,
    ):
        assert seal.seal_from_url(bad) is None, bad


def test_tokens_with_other_digits_are_not_aliases():
    """Arabic-Indic or superscript digits read as the same numbers by int(): refused, so that
    one link has one spelling only."""
    token = tokens.make_token(SIGN, 12, 3, 2000)
    for alias in (token.replace("12-", "\u0661\u0662-", 1), token.replace("-3-", "-\u00b3-", 1)):
        with pytest.raises(tokens.TokenError, match="malformed"):
            tokens.check_token(SIGN, alias, now=1000)
    badge = tokens.make_badge_token(SIGN, 12, "nonce")
    with pytest.raises(tokens.TokenError, match="malformed"):
        tokens.check_badge_token(SIGN, badge.replace("12-", "\u0661\u0662-", 1), lambda _id: "nonce")
