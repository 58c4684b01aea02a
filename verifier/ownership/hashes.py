"""The hash functions signatures are checked with, each from the fastest library at hand."""

import hashlib
from collections.abc import Callable

from eth_hash.auto import keccak as _keccak


def _pick_ripemd160() -> Callable[[bytes], bytes]:
    """hashlib's RIPEMD-160 (OpenSSL, C speed) wherever OpenSSL still offers it.

    OpenSSL 3 moved RIPEMD-160 to its legacy provider, so some Pythons lack it;
    only there does python-bitcoinlib's pure-Python implementation stand in.
    """
    try:
        hashlib.new("ripemd160", b"")
    except ValueError:
        from bitcoin.core.contrib.ripemd160 import ripemd160

        return ripemd160

    def openssl_ripemd160(data: bytes) -> bytes:
        return hashlib.new("ripemd160", data).digest()

    return openssl_ripemd160


ripemd160 = _pick_ripemd160()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def hash160(data: bytes) -> bytes:
    return ripemd160(hashlib.sha256(data).digest())


def tagged_hash(tag: str, data: bytes) -> bytes:
    """BIP-340's tagged hash, used by BIP-322's message hash and by taproot."""
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


def keccak256(data: bytes) -> bytes:
    return _keccak(data)
