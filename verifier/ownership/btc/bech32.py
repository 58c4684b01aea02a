"""Segwit address decoding, bech32 (BIP-173) and bech32m (BIP-350).

Written here because no library served: python-bitcoinlib 0.12 and PyPI's
`bech32` 1.2 know bech32 only (no bech32m, so no taproot addresses), and the
reference code's bit-by-bit checksum loop costs as much time as the signature
recovery itself. The checksum below is the reference polymod taking two
characters per step from a 1024-entry table, checked against python-bitcoinlib's
reference codec in the tests.
"""

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_TABLE = tuple(
    _GEN[0] * (b & 1)
    ^ _GEN[1] * (b >> 1 & 1)
    ^ _GEN[2] * (b >> 2 & 1)
    ^ _GEN[3] * (b >> 3 & 1)
    ^ _GEN[4] * (b >> 4 & 1)
    for b in range(32)
)


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
BECH32 = 1
BECH32M = 0x2BC830A3


class Bech32Error(ValueError):
    pass


def _polymod(values: list[int]) -> int:
    chk = 1
    odd = len(values) & 1
    if odd:
        chk = ((chk & 0x1FFFFFF) << 5) ^ values[0] ^ _TABLE[chk >> 25]
    for i in range(odd, len(values), 2):
        chk = ((chk & 0xFFFFF) << 10) ^ (values[i] << 5) ^ values[i + 1] ^ _TABLE2[chk >> 20]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_5_to_8(data: list[int]) -> bytes:
    """Regroup 5-bit values into bytes through one big integer (no per-bit loop)."""
    acc = 0
    for v in data:
        acc = (acc << 5) | v
    bits = 5 * len(data)
    pad = bits % 8
    if pad >= 5 or acc & ((1 << pad) - 1):
        raise Bech32Error("non-zero padding")
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


def decode(address: str) -> tuple[str, int, bytes]:
    """(hrp, witness version, program) of a segwit address, or Bech32Error saying why not."""
    if address.lower() != address and address.upper() != address:
        raise Bech32Error("mixed case")
    text = address.lower()
    sep = text.rfind("1")
    if sep < 1 or sep + 7 > len(text) or len(text) > 90:
        raise Bech32Error("no separator or wrong length")
    hrp = text[:sep]
    try:
        data = [_VALUE[c] for c in text[sep + 1 :]]
    except KeyError as e:
        raise Bech32Error(f"character {e.args[0]!r} is not bech32") from None
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32, BECH32M):
        raise Bech32Error("bad checksum")
    version = data[0]
    program = _convert_5_to_8(data[1:-6])
    if version > 16 or not 2 <= len(program) <= 40:
        raise Bech32Error("bad witness version or program length")
    if version == 0 and len(program) not in (20, 32):
        raise Bech32Error("witness v0 program must be 20 or 32 bytes")
    if (version == 0) != (const == BECH32):
        raise Bech32Error("witness v0 needs bech32, later versions bech32m")
    return hrp, version, program


def encode(hrp: str, version: int, program: bytes) -> str:
    data = [version, *_convert_8_to_5(program)]
    const = BECH32 if version == 0 else BECH32M
    chk = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    data += [(chk >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CHARSET[d] for d in data)
