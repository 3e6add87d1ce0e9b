"""Fast tests of the badge tokens of az_attendance (printed QR badges), without Odoo."""

import importlib.util
import pathlib

import pytest

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "az_attendance" / "tools"
SECRET = "a-database-secret"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"az_attendance_tools_badge_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tokens = _load("tokens")
NONCES = {7: "nonce-of-seven", 8: "nonce-of-eight"}


def test_genuine_badge_gives_its_person():
    token = tokens.make_badge_token(SECRET, 7, NONCES[7])
    assert token.startswith("7-")
    assert tokens.check_badge_token(SECRET, token, NONCES.get) == 7


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "8" + t[1:],
        lambda t: t.replace("7-", "70-", 1),
    ],
)
def test_altered_badge_is_refused(mutate):
    with pytest.raises(tokens.TokenError):
        tokens.check_badge_token(SECRET, mutate(tokens.make_badge_token(SECRET, 7, NONCES[7])), NONCES.get)


def test_badge_of_another_secret_is_refused():
    token = tokens.make_badge_token("guessed", 7, NONCES[7])
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SECRET, token, NONCES.get)


def test_renewed_nonce_revokes_old_badges():
    old = tokens.make_badge_token(SECRET, 7, "first")
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SECRET, old, {7: "second"}.get)
    new = tokens.make_badge_token(SECRET, 7, "second")
    assert new != old
    assert tokens.check_badge_token(SECRET, new, {7: "second"}.get) == 7


def test_unknown_person_or_missing_nonce_is_refused():
    token = tokens.make_badge_token(SECRET, 7, NONCES[7])
    with pytest.raises(tokens.TokenError, match="unknown"):
        tokens.check_badge_token(SECRET, token, {}.get)
    with pytest.raises(tokens.TokenError):
        tokens.make_badge_token(SECRET, 7, "")


@pytest.mark.parametrize("junk", ["", "7", "7-", "abc-" + "A" * 43, "7-" + "<" * 43, "9" * 200, None, 7])
def test_malformed_badge_is_refused(junk):
    with pytest.raises(tokens.TokenError):
        tokens.check_badge_token(SECRET, junk, NONCES.get)


def test_badge_and_signing_link_tokens_are_not_interchangeable():
    link = tokens.make_token(SECRET, 7, 3, 2000)
    with pytest.raises(tokens.TokenError):
        tokens.check_badge_token(SECRET, link, NONCES.get)
    with pytest.raises(tokens.TokenError):
        tokens.check_token(SECRET, tokens.make_badge_token(SECRET, 7, NONCES[7]), now=0)
