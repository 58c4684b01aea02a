"""Addresses (and raw scripts) to the scriptPubKeys that blocks carry.

A line is one of: a base58 P2PKH or P2SH address, a bech32/bech32m segwit
address (P2WPKH, P2WSH, P2TR, later versions), `pk(HEX)` for a bare P2PK
output of that public key, or `raw(HEX)` for any script. The last two use the
output-descriptor spelling (BIP380) so nothing new is invented.
"""

from collections.abc import Sequence

from bitcoin.base58 import Base58Error, CBase58Data
from bitcoin.core.script import (
    OP_CHECKSIG,
    OP_DUP,
    OP_EQUAL,
    OP_EQUALVERIFY,
    OP_HASH160,
    CScript,
    CScriptOp,
)

from chains.bitcoin import segwit
from chains.bitcoin.networks import Network


class AddressError(ValueError):
    """The text is not an address of the network; the message says why, and `index`
    which item of a list it was (when a list was given)."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


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
            raise AddressError(f"{text}: the same script as {first[script]} (listed twice)", i)
        first[script] = text
        scripts.append(script)
    return scripts


def script_pubkey(text: str, net: Network) -> bytes:
    """The scriptPubKey that pays `text` on `net`."""
    text = text.strip()
    if text.startswith(("raw(", "pk(")) and text.endswith(")"):
        return _descriptor(text)
    if text.lower().startswith(net.hrp + "1"):
        try:
            version, program = segwit.decode(net.hrp, text)
        except segwit.SegwitAddressError as e:
            raise AddressError(f"{text}: {e}") from None
        return bytes(CScript([CScriptOp.encode_op_n(version), program]))
    return _base58(text, net)


def _base58(text: str, net: Network) -> bytes:
    try:
        data = CBase58Data(text)
    except (Base58Error, ValueError, IndexError):
        raise AddressError(
            f"{text}: neither a {net.name} segwit address ({net.hrp}1...) nor valid base58check"
        ) from None
    if len(data) != 20:
        raise AddressError(f"{text}: base58 payload is {len(data)} bytes, not 20")
    # The scripts are built here rather than by python-bitcoinlib's address
    # classes, which check the version byte against its process-wide network.
    h = data.to_bytes()
    if data.nVersion == net.pubkey_prefix:
        return bytes(CScript([OP_DUP, OP_HASH160, h, OP_EQUALVERIFY, OP_CHECKSIG]))
    if data.nVersion == net.script_prefix:
        return bytes(CScript([OP_HASH160, h, OP_EQUAL]))
    raise AddressError(f"{text}: version byte {data.nVersion} is not a {net.name} address")


def _descriptor(text: str) -> bytes:
    kind, _, rest = text.partition("(")
    try:
        payload = bytes.fromhex(rest[:-1])
    except ValueError:
        raise AddressError(f"{text}: {kind}(...) needs hex") from None
    if kind == "raw":
        if not payload:
            raise AddressError(f"{text}: empty script")
        return payload
    if not (
        (len(payload) == 33 and payload[0] in (2, 3)) or (len(payload) == 65 and payload[0] == 4)
    ):
        raise AddressError(f"{text}: pk(...) needs a 33- or 65-byte SEC public key")
    return bytes(CScript([payload, OP_CHECKSIG]))
