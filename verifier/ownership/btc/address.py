"""Bitcoin addresses: which script they pay to and which networks they can belong to.

Decoded without python-bitcoinlib's address classes because those read one
process-wide network setting, and a single proof file may mix networks.
"""

from dataclasses import dataclass
from enum import StrEnum

from bitcoin.base58 import Base58Error, CBase58Data

from verifier.ownership.btc import bech32


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
    try:
        data = CBase58Data(text)
    except (Base58Error, ValueError, IndexError) as e:
        raise AddressError(f"not a Bitcoin address: {e}") from None
    known = _BASE58.get(data.nVersion)
    if known is None or len(data) != 20:
        raise AddressError(f"unknown base58 version byte {data.nVersion:#04x}")
    return Address(text, known[0], bytes(data), known[1])


def _parse_segwit(text: str) -> Address:
    try:
        hrp, version, program = bech32.decode(text)
    except bech32.Bech32Error as e:
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
