"""Bitcoin addresses: which script they pay to and which networks they belong to, and
the scriptPubKeys that blocks carry for an address list. One decoder for the whole
tool: the chain adapters and the ownership verifier both read addresses here.

A list item is one of: a base58 P2PKH or P2SH address, a bech32/bech32m segwit
address (P2WPKH, P2WSH, P2TR, later versions), `pk(HEX)` for a bare P2PK output of
that public key, or `raw(HEX)` for any script. The last two use the
output-descriptor spelling (BIP380) so nothing new is invented.

Decoded without python-bitcoinlib's address classes, which read one process-wide
network setting (a single proof file may mix networks), and with its own base58:
python-bitcoinlib's decoder scans the alphabet for every character and took a third
of a BIP-137 check's time.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from chains.bitcoin import segwit
from chains.bitcoin.networks import NETWORKS, Network
from chains.messages import N_


class Kind(StrEnum):
    P2PKH = "p2pkh"
    P2SH = "p2sh"
    P2WPKH = "p2wpkh"
    P2WSH = "p2wsh"
    P2TR = "p2tr"
    WITNESS_UNKNOWN = "witness-unknown"


class AddressError(ValueError):
    """The text is not an address (of the network); the message says why, and `index`
    which item of a list it was (when a list was given)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


def _by_prefix() -> dict[int, tuple[Kind, frozenset[str]]]:
    table: dict[int, tuple[Kind, set[str]]] = {}
    for net in NETWORKS.values():
        for prefix, kind in ((net.pubkey_prefix, Kind.P2PKH), (net.script_prefix, Kind.P2SH)):
            table.setdefault(prefix, (kind, set()))[1].add(net.name)
    return {p: (kind, frozenset(names)) for p, (kind, names) in table.items()}


def _by_hrp() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for net in NETWORKS.values():
        table.setdefault(net.hrp, set()).add(net.name)
    return {hrp: frozenset(names) for hrp, names in table.items()}


# Version bytes and human-readable parts per network, from the networks' own
# parameters (Bitcoin Core's chainparams): testnet, signet and regtest share some.
_BASE58 = _by_prefix()
_HRP = _by_hrp()


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
    lowered = text.lower()
    if any(lowered.startswith(hrp + "1") for hrp in _HRP):
        return _parse_segwit(text)
    try:
        raw = _base58check(text)
    except AddressError as e:
        hrps = ", ".join(f"{h}1" for h in _HRP)
        raise AddressError(
            N_("neither a segwit address ({hrps}) nor valid base58check: {e}").format(
                hrps=hrps, e=e
            )
        ) from None
    known = _BASE58.get(raw[0])
    if known is None or len(raw) != 21:
        raise AddressError(
            N_("unknown base58 version byte {byte} or length {length}").format(
                byte=format(raw[0], "#04x"), length=len(raw)
            )
        )
    return Address(text, known[0], raw[1:], known[1])


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_VALUE = {c: i for i, c in enumerate(_B58)}


def _base58check(text: str) -> bytes:
    """Version byte and payload of a Base58Check string."""
    n = 0
    try:
        for c in text:
            n = n * 58 + _B58_VALUE[c]
    except KeyError as e:
        raise AddressError(
            N_("character {character} is not base58").format(character=repr(e.args[0]))
        ) from None
    zeros = len(text) - len(text.lstrip("1"))
    raw = b"\x00" * zeros + n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(raw) < 5 or _sha256d(raw[:-4])[:4] != raw[-4:]:
        raise AddressError(N_("bad base58 checksum"))
    return raw[:-4]


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _parse_segwit(text: str) -> Address:
    try:
        hrp, version, program = segwit.decode_any(text)
    except segwit.SegwitAddressError as e:
        raise AddressError(N_("not a valid segwit address: {e}").format(e=e)) from None
    networks = _HRP.get(hrp)
    if networks is None:
        raise AddressError(N_("unknown address prefix {hrp}").format(hrp=repr(hrp)))
    if version == 0:
        kind = Kind.P2WPKH if len(program) == 20 else Kind.P2WSH
    elif version == 1 and len(program) == 32:
        kind = Kind.P2TR
    else:
        kind = Kind.WITNESS_UNKNOWN
    return Address(text, kind, program, networks, version)


def script_pubkeys(texts: Sequence[str], net: Network) -> list[bytes]:
    """The scriptPubKeys of `texts`, refusing two spellings of one script: its coins
    would be counted twice in the total."""
    scripts: list[bytes] = []
    first: dict[bytes, str] = {}
    for i, text in enumerate(texts):
        try:
            script = script_pubkey(text, net)
        except AddressError as e:
            raise AddressError(str(e), i) from None
        if script in first:
            raise AddressError(
                N_("{text}: the same script as {first} (listed twice)").format(
                    text=text, first=first[script]
                ),
                i,
            )
        first[script] = text
        scripts.append(script)
    return scripts


def script_pubkey(text: str, net: Network) -> bytes:
    """The scriptPubKey that pays `text` on `net`."""
    text = text.strip()
    if text.startswith(("raw(", "pk(")) and text.endswith(")"):
        return _descriptor(text)
    try:
        address = parse(text)
    except AddressError as e:
        raise AddressError(N_("{text}: {e}").format(text=text, e=e)) from None
    if net.name not in address.networks:
        if address.kind in (Kind.P2PKH, Kind.P2SH):
            how = f"version byte {_base58check(text)[0]:#04x}"
        else:
            how = f"prefix {text.lower().partition('1')[0]!r}"
        names = "/".join(sorted(address.networks))
        raise AddressError(
            N_("{text}: a {names} address ({how}), not a {name} address").format(
                text=text, names=names, how=how, name=net.name
            )
        )
    return address.script_pubkey


def _descriptor(text: str) -> bytes:
    kind, _, rest = text.partition("(")
    try:
        payload = bytes.fromhex(rest[:-1])
    except ValueError:
        raise AddressError(
            N_("{text}: {kind}(...) needs hex").format(text=text, kind=kind)
        ) from None
    if kind == "raw":
        if not payload:
            raise AddressError(N_("{text}: empty script").format(text=text))
        return payload
    if not (
        (len(payload) == 33 and payload[0] in (2, 3)) or (len(payload) == 65 and payload[0] == 4)
    ):
        raise AddressError(
            N_("{text}: pk(...) needs a 33- or 65-byte SEC public key").format(text=text)
        )
    return bytes([len(payload)]) + payload + b"\xac"  # <pubkey> OP_CHECKSIG
