"""Solana and Aptos ownership signatures: ed25519, which recovers no key, so the
key is the address (Solana) or is published beside it (Aptos).

A Solana address is the base58 of its 32-byte ed25519 public key; the wallet's
signMessage signs the message's bytes. An Aptos address is sha3-256(public key ||
0x00), the single-key scheme byte; the wallet standard's signMessage signs its
"full message": "APTOS", optional address, application and chainId lines, then
"message: " with the message and "nonce: " with a nonce, each line ending in
a newline but the last.

OKX signs its Solana, Aptos and TON rows its own way (okx/proof-of-reserves,
common/verify.go `VerifyEd25519Coin` with common/hash.go `HashEd25519Msg`):
ed25519 over "OKX Signed Message:\n" and the message, each written as a Bitcoin
var-string (a CompactSize length, then the bytes), not hashed; the key is the
row's "redeem script/ public key" column. It is tried on every file, not only on
OKX's lists: both lengths are inside the signed bytes, so the signed text names
exactly one message, which the binding checks read as any other; a wallet's bare
signature and an OKX signature can never be taken for each other. On Aptos a
message in the wallet standard's shape (starting "APTOS\n") is checked as that,
any other message as OKX signs it: one reading per message.

ed25519 is checked with PyNaCl
(libsodium, maintained, constant-time, strict about non-canonical points);
base58 with the `base58` package, since Solana's keys and signatures are plain
base58 without Bitcoin's checksum, which python-bitcoinlib's decoder demands.
"""

import hashlib

import base58
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from verifier.i18n import N_
from verifier.ownership.btc.bip137 import compact_size
from verifier.ownership.outcome import Rejected, Verified

SOLANA_SCHEME = "Solana signMessage (ed25519)"
SOLANA_OKX_SCHEME = "Solana ed25519, OKX Signed Message"
OKX_HEADER = b"OKX Signed Message:\n"


def okx_signed(message: bytes) -> bytes:
    """The bytes OKX's ed25519 rows sign for `message` (`HashEd25519Msg`)."""
    return compact_size(len(OKX_HEADER)) + OKX_HEADER + compact_size(len(message)) + message


def _base58(text: str, what: str, length: int) -> bytes:
    try:
        raw = base58.b58decode(text)
    except ValueError:
        raise Rejected(N_("{what} is not base58").format(what=what)) from None
    if len(raw) != length:
        raise Rejected(
            N_("{what} is {size} bytes, not {length}").format(
                what=what, size=len(raw), length=length
            )
        )
    return raw


def parse_signature(text: str) -> bytes:
    """64 bytes, written as base58 (Solana's own way) or 0x hex."""
    if text[:2] in ("0x", "0X"):
        try:
            raw = bytes.fromhex(text[2:])
        except ValueError:
            raise Rejected(N_("signature is not hex")) from None
        if len(raw) != 64:
            raise Rejected(N_("signature is {length} bytes, not 64").format(length=len(raw)))
        return raw
    return _base58(text, "signature", 64)


def check(public_key: bytes, message: bytes, signature: bytes) -> None:
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError):
        raise Rejected(
            N_(
                "signature is not this address's key's over this message "
                "(wrong message, signature or address)"
            )
        ) from None


def bare_or_okx(
    public_key: bytes, message: bytes, signature: bytes, schemes: tuple[str, str]
) -> str | None:
    """Which of the two signings `signature` is, named as `schemes` names them (bare
    message, OKX Signed Message); None when neither."""
    for scheme, signed in zip(schemes, (message, okx_signed(message)), strict=True):
        try:
            check(public_key, signed, signature)
        except Rejected:
            continue
        return scheme
    return None


def verify_solana(address: str, message: bytes, signature: str) -> Verified:
    key = _base58(address, "address", 32)
    schemes = (SOLANA_SCHEME, SOLANA_OKX_SCHEME)
    scheme = bare_or_okx(key, message, parse_signature(signature), schemes)
    if scheme is not None:
        return Verified(scheme)
    raise Rejected(
        "signature is not this address's key's over this message, as the message or as "
        "an OKX Signed Message (wrong message, signature or address)"
    )


APTOS_SCHEME = "Aptos signMessage (ed25519)"
APTOS_OKX_SCHEME = "Aptos ed25519, OKX Signed Message"
_APTOS_HEADER = "APTOS\n"
_APTOS_OPTIONAL = ("address: ", "application: ", "chainId: ")


def aptos_inner_message(full: str, address: str) -> str:
    """The message the binding is checked on: inside the wallet standard's full
    message, which must also name no other address (Rejected when a text that
    starts as one has not its shape), or the message itself, as OKX signs it."""
    if not full.startswith(_APTOS_HEADER):
        return full
    start = full.find("\nmessage: ")
    end = full.rfind("\nnonce: ")
    if start < 0 or end <= start:
        raise Rejected(
            N_(
                "message is not an Aptos signMessage full message "
                "(APTOS, optional address/application/chainId lines, message:, nonce:)"
            )
        )
    for line in full[len(_APTOS_HEADER) : start + 1].split("\n")[:-1]:
        if not line.startswith(_APTOS_OPTIONAL):
            raise Rejected(
                N_("Aptos full message has an unknown line {text}").format(text=repr(line[:40]))
            )
        if line.startswith("address: ") and _aptos_account(line[9:]) != _aptos_account(address):
            raise Rejected(
                N_("Aptos full message names address {text}, the row is {address}").format(
                    text=line[9:], address=address
                )
            )
    return full[start + len("\nmessage: ") : end]


def _aptos_account(text: str) -> bytes:
    """32 bytes; wallets may drop the hex's leading zeros."""
    body = text.removeprefix("0x").removeprefix("0X")
    try:
        raw = bytes.fromhex(body.rjust(64, "0"))
    except ValueError:
        raise Rejected(N_("address: an Aptos address is 0x and up to 64 hex digits")) from None
    if len(raw) != 32:
        raise Rejected(N_("address: an Aptos address is 0x and up to 64 hex digits"))
    return raw


def verify_aptos(
    address: str, full_message: bytes, signature: str, public_key: bytes | None
) -> Verified:
    account = _aptos_account(address)
    if public_key is None:
        raise Rejected(
            N_("public_key: an Aptos proof needs the signing key (ed25519 recovers none)")
        )
    if len(public_key) != 32 or hashlib.sha3_256(public_key + b"\x00").digest() != account:
        raise Rejected(N_("published public_key is not the key of this address"))
    raw = parse_signature(signature)
    if full_message.startswith(_APTOS_HEADER.encode()):
        check(public_key, full_message, raw)
        return Verified(APTOS_SCHEME)
    try:
        check(public_key, okx_signed(full_message), raw)
    except Rejected:
        raise Rejected(
            N_(
                "signature is not this address's key's over this message as an OKX Signed "
                "Message, and the message is no Aptos signMessage full message (APTOS, optional "
                "address/application/chainId lines, message:, nonce:)"
            )
        ) from None
    return Verified(APTOS_OKX_SCHEME)
