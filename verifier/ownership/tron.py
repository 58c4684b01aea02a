"""TRON ownership signatures, as TronWeb makes them.

A TRON key is a secp256k1 key and its address is Ethereum's 20-byte keccak
address behind a 0x41 byte, in base58check; the signature is Ethereum's 65-byte
r, s, v. TronWeb has two message signings, and each way of using them that an
exchange could have taken is tried:

- v1 (`trx.sign(hexString)`, `Trx.signString`) takes only a hex string: it
  strips "0x", decodes the hex and signs keccak256("\\x19TRON Signed Message:\\n32"
  || those bytes), the "32" fixed whatever their length (TronWeb src/lib/trx.ts).
  A text message is never signed as text: the signer passes either the hex of
  keccak256(message) or the hex of the message's own bytes; a message that is
  itself hex is decoded as TronWeb decodes it.
- `signMessageV2` is EIP-191's shape with TRON's prefix and the message's length
  (TronWeb src/utils/message.ts).

base58check comes from python-bitcoinlib, already a dependency for Bitcoin's
legacy addresses: one maintained decoder, and no second package for the same job.
"""

from collections.abc import Iterator

from bitcoin.base58 import Base58Error, CBase58Data

from verifier.i18n import N_
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import keccak256
from verifier.ownership.outcome import Rejected, Verified

ADDRESS_VERSION = 0x41
PREFIX = b"\x19TRON Signed Message:\n"
SCHEMES = (
    "TronWeb signMessage v1 (keccak256 of the message)",
    "TronWeb signMessageV2",
    "TronWeb signMessage v1 (the message's bytes)",
    "TronWeb signMessage v1 (the message read as hex)",
)


def parse_address(text: str) -> bytes:
    """The address's 20-byte account, or Rejected naming what is wrong."""
    try:
        data = CBase58Data(text)
    except (Base58Error, ValueError) as e:
        raise Rejected(N_("address: not base58check ({e})").format(e=e)) from None
    if data.nVersion != ADDRESS_VERSION or len(data) != 20:
        raise Rejected(N_("address: a TRON address is the byte 0x41 and 20 bytes, in base58check"))
    return bytes(data)


def digests(message: bytes) -> Iterator[tuple[str, bytes]]:
    """The common hashings first: one key recovery per row for most lists."""
    yield SCHEMES[0], keccak256(PREFIX + b"32" + keccak256(message))
    yield SCHEMES[1], keccak256(PREFIX + str(len(message)).encode() + message)
    yield SCHEMES[2], keccak256(PREFIX + b"32" + message)
    decoded = _hex_bytes(message)
    if decoded is not None:
        yield SCHEMES[3], keccak256(PREFIX + b"32" + decoded)


def _hex_bytes(message: bytes) -> bytes | None:
    """The bytes TronWeb's v1 signs for a hex message ("0x" optional), or None when
    the message is not hex of whole bytes (TronWeb v1 refuses other text)."""
    body = message.removeprefix(b"0x")
    try:
        return bytes.fromhex(body.decode("ascii")) if body and len(body) % 2 == 0 else None
    except (UnicodeDecodeError, ValueError):
        return None


def verify(address_text: str, message: bytes, signature: str) -> Verified:
    address = parse_address(address_text)
    sig = eip191.parse_signature(signature)
    eip191.check_shape(sig)
    scheme = eip191.matching_scheme(address, sig, digests(message))
    if scheme is None:
        raise Rejected(
            N_("signature recovers another address (wrong message, signature or address)")
        )
    return Verified(scheme)
