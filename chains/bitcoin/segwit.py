"""Segwit addresses for every witness version: bech32 (BIP-173) and bech32m (BIP-350).

Written here because no library served: python-bitcoinlib 0.12 and PyPI's `bech32`
1.2 know bech32 only (no bech32m, so no taproot addresses), and the reference
code's bit-by-bit checksum loop costs as much time as a signature recovery, which
matters when ownership proofs are checked by the ten thousand. The checksum is the
reference polymod taking two characters per step from a 1024-entry table; the tests
check it against the BIP vectors and python-bitcoinlib's reference codec.
"""

import functools
from collections.abc import Sequence

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_INVALID = 0xFF
_VALUES = bytes(CHARSET.find(chr(b)) if chr(b) in CHARSET else _INVALID for b in range(256))
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_TABLE = tuple(
    _GEN[0] * (b & 1)
    ^ _GEN[1] * (b >> 1 & 1)
    ^ _GEN[2] * (b >> 2 & 1)
    ^ _GEN[3] * (b >> 3 & 1)
    ^ _GEN[4] * (b >> 4 & 1)
    for b in range(32)
)
BECH32 = 1
BECH32M = 0x2BC830A3


class SegwitAddressError(ValueError):
    """Not a segwit address; the message says which rule it breaks."""


def _two_steps(top: int) -> int:
    """What the ten highest checksum bits contribute after two reference steps."""
    chk = top << 20
    for _ in range(2):
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5
        for i in range(5):
            chk ^= _GEN[i] if (b >> i) & 1 else 0
    return chk


# The checksum is linear over GF(2), so two characters can be taken per step.
_TABLE2 = tuple(_two_steps(top) for top in range(1024))


def _polymod(values: Sequence[int], chk: int = 1) -> int:
    odd = len(values) & 1
    if odd:
        chk = ((chk & 0x1FFFFFF) << 5) ^ values[0] ^ _TABLE[chk >> 25]
    for i in range(odd, len(values), 2):
        chk = ((chk & 0xFFFFF) << 10) ^ (values[i] << 5) ^ values[i + 1] ^ _TABLE2[chk >> 20]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


@functools.lru_cache(maxsize=8)
def _hrp_state(hrp: str) -> int:
    """The checksum state after the human-readable part, the same for every address."""
    return _polymod(_hrp_expand(hrp))


def _convert_5_to_8(data: Sequence[int]) -> bytes:
    """Regroup 5-bit values into bytes through one big integer (no per-bit loop)."""
    acc = 0
    for v in data:
        acc = (acc << 5) | v
    bits = 5 * len(data)
    pad = bits % 8
    if pad >= 5 or acc & ((1 << pad) - 1):
        raise SegwitAddressError("bad witness program length (non-zero padding)")
    return (acc >> pad).to_bytes(bits // 8, "big")


def _convert_8_to_5(data: bytes) -> list[int]:
    acc = bits = 0
    out = []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            out.append((acc >> bits) & 31)
    if bits:
        out.append((acc << (5 - bits)) & 31)
    return out


def decode_any(address: str) -> tuple[str, int, bytes]:
    """(hrp, witness version, program) of a segwit address of any network."""
    if address.lower() != address and address.upper() != address:
        raise SegwitAddressError("mixed case")
    text = address.lower()
    sep = text.rfind("1")
    if sep < 1 or sep + 7 > len(text) or len(text) > 90:
        raise SegwitAddressError("not a bech32 string")
    hrp = text[:sep]
    data = text[sep + 1 :].encode("ascii", "replace").translate(_VALUES)
    if _INVALID in data:
        raise SegwitAddressError("character outside the bech32 alphabet")
    const = _polymod(data, _hrp_state(hrp))
    if const not in (BECH32, BECH32M):
        raise SegwitAddressError("bad checksum")
    version = data[0]
    if version > 16:
        raise SegwitAddressError(f"witness version {version} out of range")
    program = _convert_5_to_8(data[1:-6])
    if not 2 <= len(program) <= 40:
        raise SegwitAddressError("bad witness program length")
    if version == 0 and len(program) not in (20, 32):
        raise SegwitAddressError("witness v0 program must be 20 or 32 bytes")
    if (version == 0) != (const == BECH32):
        raise SegwitAddressError(
            f"witness v{version} must use {'bech32' if version == 0 else 'bech32m'}"
        )
    return hrp, version, program


def decode(hrp: str, address: str) -> tuple[int, bytes]:
    """(witness version, witness program) of `address`, which must carry `hrp`."""
    got, version, program = decode_any(address)
    if got != hrp:
        raise SegwitAddressError(f"prefix {got!r} is not this network's {hrp!r}")
    return version, program


def encode(hrp: str, version: int, program: bytes) -> str:
    """Any version and program, valid or not: tests build wrong addresses with it too."""
    data = [version, *_convert_8_to_5(program)]
    const = BECH32 if version == 0 else BECH32M
    chk = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    data += [(chk >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data)
