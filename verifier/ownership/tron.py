"""TRON ownership signatures, as TronWeb makes them.

A TRON key is a secp256k1 key and its address is Ethereum's 20-byte keccak
address behind a 0x41 byte, in base58check; the signature is Ethereum's 65-byte
r, s, v. Two message hashings are in use and both are tried: TronWeb's v1
`signMessage`, which signs a 32-byte value (here keccak256 of the message) under
the "\\x19TRON Signed Message:\\n32" prefix, and `signMessageV2`, EIP-191's shape
with TRON's prefix and the message's length.

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
SCHEMES = ("TronWeb signMessage v1 (keccak256 of the message)", "TronWeb signMessageV2")


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
    yield SCHEMES[0], keccak256(PREFIX + b"32" + keccak256(message))
    yield SCHEMES[1], keccak256(PREFIX + str(len(message)).encode() + message)


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
