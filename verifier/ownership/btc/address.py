"""Bitcoin addresses: which script they pay to and which networks they can belong to.

Decoded without python-bitcoinlib's address classes because those read one
process-wide network setting, and a single proof file may mix networks.
"""

from dataclasses import dataclass
from enum import StrEnum

from chains.bitcoin import segwit
from verifier.ownership.hashes import sha256d


class Kind(StrEnum):
    P2PKH = "p2pkh"
    P2SH = "p2sh"
    P2WPKH = "p2wpkh"
    P2WSH = "p2wsh"
    P2TR = "p2tr"
    WITNESS_UNKNOWN = "witness-unknown"


class AddressError(ValueError):
    pass


MAINNET = "mainnet"
TESTNET = "testnet"
SIGNET = "signet"
REGTEST = "regtest"
NETWORKS = (MAINNET, TESTNET, SIGNET, REGTEST)

# Version bytes and human-readable parts per network (Bitcoin Core's chainparams).
_BASE58: dict[int, tuple[Kind, frozenset[str]]] = {
    0x00: (Kind.P2PKH, frozenset({MAINNET})),
    0x05: (Kind.P2SH, frozenset({MAINNET})),
    0x6F: (Kind.P2PKH, frozenset({TESTNET, SIGNET, REGTEST})),
    0xC4: (Kind.P2SH, frozenset({TESTNET, SIGNET, REGTEST})),
}
_HRP: dict[str, frozenset[str]] = {
    "bc": frozenset({MAINNET}),
    "tb": frozenset({TESTNET, SIGNET}),
    "bcrt": frozenset({REGTEST}),
}


@dataclass(frozen=True)
class Address:
    text: str
    kind: Kind
    # The hash or witness program the address commits to.
    program: bytes
    networks: frozenset[str]
    witness_version: int | None = None

    @property
    def script_pubkey(self) -> bytes:
        p = self.program
        if self.kind is Kind.P2PKH:
            return b"\x76\xa9\x14" + p + b"\x88\xac"
        if self.kind is Kind.P2SH:
            return b"\xa9\x14" + p + b"\x87"
        v = self.witness_version or 0
        return bytes([0x50 + v if v else 0, len(p)]) + p


def parse(text: str) -> Address:
    """The address's script and networks, or AddressError naming what is wrong with it."""
    if text[:3].lower() in ("bc1", "tb1") or text[:5].lower() == "bcrt1":
        return _parse_segwit(text)
    raw = _base58check(text)
    known = _BASE58.get(raw[0])
    if known is None or len(raw) != 21:
        raise AddressError(f"unknown base58 version byte {raw[0]:#04x} or length {len(raw)}")
    return Address(text, known[0], raw[1:], known[1])


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUE = {c: i for i, c in enumerate(_B58)}


def _base58check(text: str) -> bytes:
    """Version byte and payload of a Base58Check string.

    Here rather than python-bitcoinlib's decoder, which scans the alphabet for every
    character and took a third of a BIP-137 check's time.
    """
    n = 0
    try:
        for c in text:
            n = n * 58 + _B58_VALUE[c]
    except KeyError as e:
        raise AddressError(f"character {e.args[0]!r} is not base58") from None
    zeros = len(text) - len(text.lstrip("1"))
    raw = b"\x00" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(raw) < 5 or sha256d(raw[:-4])[:4] != raw[-4:]:
        raise AddressError("not a Bitcoin address: bad base58 checksum")
    return raw[:-4]


def _parse_segwit(text: str) -> Address:
    try:
        hrp, version, program = segwit.decode_any(text)
    except segwit.SegwitAddressError as e:
        raise AddressError(f"not a valid segwit address: {e}") from None
    networks = _HRP.get(hrp)
    if networks is None:
        raise AddressError(f"unknown address prefix {hrp!r}")
    if version == 0:
        kind = Kind.P2WPKH if len(program) == 20 else Kind.P2WSH
    elif version == 1 and len(program) == 32:
        kind = Kind.P2TR
    else:
        kind = Kind.WITNESS_UNKNOWN
    return Address(text, kind, program, networks, version)
