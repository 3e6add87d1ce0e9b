"""Trusted timestamps (RFC 3161) of seals, with asn1crypto for the protocol and cryptography
for the signature: a time-stamping authority signs the SHA-256 of a seal and the time it saw
it, so that a sheet sealed again later (by someone who can rewrite the database) no longer
matches the token.

This module imports nothing from Odoo on purpose; sending the request is the caller's job.
"""

import hashlib
import secrets

from asn1crypto import algos, cms, core, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

CONTENT_TYPE_QUERY = "application/timestamp-query"
CONTENT_TYPE_REPLY = "application/timestamp-reply"
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class TimestampError(ValueError):
    """A request that cannot be made, or a token that does not prove what it should."""


def imprint(value):
    """SHA-256 of a seal (its stored text), the message the authority signs."""
    return hashlib.sha256(value.encode("utf-8")).digest()


def make_request(digest, nonce=None):
    """DER of a TimeStampReq for a SHA-256 ``digest``; returns (request, nonce)."""
    nonce = nonce or secrets.randbits(63)
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": tsp.MessageImprint(
                {
                    "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                    "hashed_message": digest,
                }
            ),
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return request.dump(), nonce


def parse_response(data, digest, nonce=None):
    """The token (DER) of a TimeStampResp for ``digest``, after checking that it was granted,
    that it answers this request and that its signature holds. Raises TimestampError."""
    try:
        response = tsp.TimeStampResp.load(data)
        status = response["status"]["status"].native
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampError("unreadable reply") from error
    if status not in ("granted", "granted_with_mods"):
        raise TimestampError(f"refused: {status}")
    token = response["time_stamp_token"]
    if not isinstance(token, cms.ContentInfo) or token["content_type"].native != "signed_data":
        raise TimestampError("no token in the reply")
    info = _tst_info(token)
    if nonce is not None and info["nonce"].native != nonce:
        raise TimestampError("the reply answers another request")
    der = token.dump()
    check_token(der, digest)
    return der


def _tst_info(token):
    try:
        content = token["content"]["encap_content_info"]["content"]
        return (
            content.parsed
            if isinstance(content, core.ParsableOctetString)
            else tsp.TSTInfo.load(content.native)
        )
    except (ValueError, TypeError, KeyError) as error:
        raise TimestampError("unreadable token") from error


def check_token(token_der, digest, pinned_certificate=None):
    """Check that the token signs ``digest``, with a valid signature of the certificate it
    carries (and that this certificate is ``pinned_certificate``, DER, when given).

    Returns ``(time, certificate DER)``, the time as the authority wrote it (aware UTC).
    Raises TimestampError naming what does not hold."""
    try:
        token = cms.ContentInfo.load(token_der)
        signed = token["content"]
        info = _tst_info(token)
        signer = signed["signer_infos"][0]
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise TimestampError("unreadable token") from error
    imprint_value = info["message_imprint"]
    if (
        imprint_value["hash_algorithm"]["algorithm"].native != "sha256"
        or imprint_value["hashed_message"].native != digest
    ):
        raise TimestampError("the token signs another seal")
    certificate = _signer_certificate(signed, signer)
    if pinned_certificate and certificate.dump() != pinned_certificate:
        raise TimestampError("the token is signed by another authority")
    _check_signature(signed, signer, certificate)
    return info["gen_time"].native, certificate.dump()


def _signer_certificate(signed, signer):
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        certificate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (
                certificate.issuer == sid.chosen["issuer"]
                and certificate.serial_number == sid.chosen["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise TimestampError("the token does not carry its authority's certificate")


def _check_signature(signed, signer, certificate):
    algorithm = signer["digest_algorithm"]["algorithm"].native
    if algorithm not in _HASHES:
        raise TimestampError(f"unsupported digest {algorithm}")
    content = signed["encap_content_info"]["content"].contents
    attributes = signer["signed_attrs"]
    digests = [attr["values"][0].native for attr in attributes if attr["type"].native == "message_digest"]
    if not digests or digests[0] != hashlib.new(algorithm, content).digest():
        raise TimestampError("the token's content was altered")
    data = attributes.untag().dump()
    key = x509.load_der_x509_certificate(certificate.dump()).public_key()
    signature = signer["signature"].native
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), _HASHES[algorithm]())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_HASHES[algorithm]()))
        else:
            raise TimestampError("unsupported key")
    except InvalidSignature as error:
        raise TimestampError("the token's signature does not hold") from error
