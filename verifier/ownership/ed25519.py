"""Solana ownership signatures: ed25519 over the message's bytes, as a Solana
wallet's signMessage makes them, by the key the address is.

A Solana address is the base58 of its 32-byte ed25519 public key, so the key
is the address and nothing is recovered. ed25519 is checked with PyNaCl
(libsodium, maintained, constant-time, strict about non-canonical points);
base58 with the `base58` package, since Solana's keys and signatures are plain
base58 without Bitcoin's checksum, which python-bitcoinlib's decoder demands.
"""

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from verifier.ownership.outcome import Rejected, Verified

SOLANA_SCHEME = "Solana signMessage (ed25519)"


def _base58(text: str, what: str, length: int) -> bytes:
    try:
        raw = base58.b58decode(text)
    except ValueError:
        raise Rejected(f"{what} is not base58") from None
    if len(raw) != length:
        raise Rejected(f"{what} is {len(raw)} bytes, not {length}")
    return raw


def parse_signature(text: str) -> bytes:
    """64 bytes, written as base58 (Solana's own way) or 0x hex."""
    if text[:2] in ("0x", "0X"):
        try:
            raw = bytes.fromhex(text[2:])
        except ValueError:
            raise Rejected("signature is not hex") from None
        if len(raw) != 64:
            raise Rejected(f"signature is {len(raw)} bytes, not 64")
        return raw
    return _base58(text, "signature", 64)


def check(public_key: bytes, message: bytes, signature: bytes) -> None:
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        raise Rejected(
            "signature is not this address's key's over this message "
            "(wrong message, signature or address)"
        ) from None


def verify_solana(address: str, message: bytes, signature: str) -> Verified:
    key = _base58(address, "address", 32)
    check(key, message, parse_signature(signature))
    return Verified(SOLANA_SCHEME)
