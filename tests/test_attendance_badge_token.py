"""Fast tests of the badge tokens of az_attendance (printed QR badges), without Odoo."""

import base64
import hashlib
import hmac
import importlib.util
import pathlib

import pytest

TOOLS = pathlib.Path(__file__).resolve().parent.parent / "az_attendance" / "tools"
SECRET = "a-database-secret"


def signer(secret):
    """The shape of ``odoo.tools.hmac`` bound to an environment: (scope, message) -> hex."""
    return lambda scope, message: hmac.new(
        secret.encode(), repr((scope, message)).encode(), hashlib.sha256
    ).hexdigest()


SIGN = signer(SECRET)


def _load(name):
    spec = importlib.util.spec_from_file_location(f"az_attendance_tools_badge_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tokens = _load("tokens")
NONCES = {7: "nonce-of-seven", 8: "nonce-of-eight"}


def test_genuine_badge_gives_its_person():
    token = tokens.make_badge_token(SIGN, 7, NONCES[7])
    assert token.startswith("7-")
    assert tokens.check_badge_token(SIGN, token, NONCES.get) == 7


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
        tokens.check_badge_token(SIGN, mutate(tokens.make_badge_token(SIGN, 7, NONCES[7])), NONCES.get)


def test_badge_of_another_secret_is_refused():
    token = tokens.make_badge_token(signer("guessed"), 7, NONCES[7])
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SIGN, token, NONCES.get)


def test_renewed_nonce_revokes_old_badges():
    old = tokens.make_badge_token(SIGN, 7, "first")
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SIGN, old, {7: "second"}.get)
    new = tokens.make_badge_token(SIGN, 7, "second")
    assert new != old
    assert tokens.check_badge_token(SIGN, new, {7: "second"}.get) == 7


def test_unknown_person_or_missing_nonce_is_refused():
    token = tokens.make_badge_token(SIGN, 7, NONCES[7])
    with pytest.raises(tokens.TokenError, match="unknown"):
        tokens.check_badge_token(SIGN, token, {}.get)
    with pytest.raises(tokens.TokenError):
        tokens.make_badge_token(SIGN, 7, "")


@pytest.mark.parametrize("junk", ["", "7", "7-", "abc-" + "A" * 43, "7-" + "<" * 43, "9" * 200, None, 7])
def test_malformed_badge_is_refused(junk):
    with pytest.raises(tokens.TokenError):
        tokens.check_badge_token(SIGN, junk, NONCES.get)


def test_badge_and_signing_link_tokens_are_not_interchangeable():
    link = tokens.make_token(SIGN, 7, 3, 2000)
    with pytest.raises(tokens.TokenError):
        tokens.check_badge_token(SIGN, link, NONCES.get)
    with pytest.raises(tokens.TokenError):
        tokens.check_token(SIGN, tokens.make_badge_token(SIGN, 7, NONCES[7]), now=0)


def _legacy(secret, message):
    """A MAC of the former hand-keyed format (43 characters of URL-safe base64)."""
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_former_tokens_are_told_outdated_not_forged():
    # a link sent by e-mail or SMS and a badge printed before the tokens were signed by Odoo
    link = f"12-3-2000-{_legacy(SECRET, 'sign:12:3:2000')}"
    badge = f"7-{_legacy(SECRET, 'badge:7:nonce-of-seven')}"
    with pytest.raises(tokens.TokenError, match="outdated"):
        tokens.check_token(SIGN, link, now=0)
    with pytest.raises(tokens.TokenError, match="outdated"):
        tokens.check_badge_token(SIGN, badge, NONCES.get)
    # the new tokens are of another shape, and a forged one is still "tampered"
    assert len(tokens.make_token(SIGN, 12, 3, 2000).rsplit("-", 1)[1]) == 64
    forged = tokens.make_badge_token(signer("guessed"), 7, NONCES[7])
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SIGN, forged, NONCES.get)


def test_scopes_keep_links_and_badges_apart():
    # same numbers, same key: a signing MAC never passes as a badge MAC
    link_mac = tokens.make_token(SIGN, 7, 3, 2000).rsplit("-", 1)[1]
    with pytest.raises(tokens.TokenError, match="tampered"):
        tokens.check_badge_token(SIGN, f"7-{link_mac}", NONCES.get)
