"""Segwit address decoding and encoding for every witness version (BIP173 + BIP350).

python-bitcoinlib 0.12 only knows bech32 and witness v0 (its address classes
assert witver == 0), so taproot (v1, bech32m) addresses cannot go through it.
Its checksum primitives (`bech32_polymod`, `convertbits`) are reused here; only
the BIP350 rule -- v0 uses the bech32 constant, v1+ the bech32m constant -- is new.
"""

from bitcoin.segwit_addr import CHARSET, bech32_hrp_expand, bech32_polymod, convertbits

_BECH32 = 1
_BECH32M = 0x2BC830A3


class SegwitAddressError(ValueError):
    pass


def decode(hrp: str, address: str) -> tuple[int, bytes]:
    """(witness version, witness program) of `address`, which must carry `hrp`."""
    if address.lower() != address and address.upper() != address:
        raise SegwitAddressError("mixed case")
    text = address.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        raise SegwitAddressError("not a bech32 string")
    if text[:pos] != hrp:
        raise SegwitAddressError(f"prefix {text[:pos]!r} is not this network's {hrp!r}")
    if any(c not in CHARSET for c in text[pos + 1 :]):
        raise SegwitAddressError("character outside the bech32 alphabet")
    data = [CHARSET.find(c) for c in text[pos + 1 :]]
    constant = bech32_polymod(bech32_hrp_expand(hrp) + data)
    if constant not in (_BECH32, _BECH32M):
        raise SegwitAddressError("bad checksum")
    version = data[0]
    if version > 16:
        raise SegwitAddressError(f"witness version {version} out of range")
    if (constant == _BECH32) != (version == 0):
        raise SegwitAddressError(
            f"witness v{version} must use {'bech32' if version == 0 else 'bech32m'}"
        )
    program = convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        raise SegwitAddressError("bad witness program length")
    if version == 0 and len(program) not in (20, 32):
        raise SegwitAddressError("witness v0 program must be 20 or 32 bytes")
    return version, bytes(program)


def encode(hrp: str, version: int, program: bytes) -> str:
    data = [version, *convertbits(program, 8, 5)]
    constant = _BECH32 if version == 0 else _BECH32M
    polymod = bech32_polymod(bech32_hrp_expand(hrp) + data + [0] * 6) ^ constant
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    address = hrp + "1" + "".join(CHARSET[d] for d in data + checksum)
    decode(hrp, address)  # refuses what it could not read back (bad length, version)
    return address
