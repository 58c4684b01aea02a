"""Dogecoin and Litecoin ownership signatures: BIP-137 signed messages under each
coin's message magic, for the address types their wallets sign messages with.

Their addresses are Bitcoin's with other version bytes (Dogecoin P2PKH 0x1e,
Litecoin P2PKH 0x30) and, for Litecoin's segwit, the bech32 prefix "ltc"; they
are read into Bitcoin's Address so that BIP-137's checks are the same code.

A P2SH address (Dogecoin 0x16; Litecoin 0x32, and 0x05 from before Litecoin
took its own) is a hash of a script, and a BIP-137 signature carries no script:
it can prove one only as P2SH-P2WPKH, the script `0 <hash160(key)>` that the
header bytes 35-38 name, and only where segwit gives that script its meaning
(Litecoin). A multisig P2SH needs several signatures and its script, which no
single signed message carries; on Dogecoin, which has no segwit, a P2SH-P2WPKH
script is spendable by anyone, so a signature over it proves nothing.
"""

import base64
import binascii
from dataclasses import dataclass

from bitcoin.base58 import Base58Error, CBase58Data

from chains.bitcoin import segwit
from chains.bitcoin.addresses import Address, Kind
from verifier.i18n import N_
from verifier.ownership.btc import bip137
from verifier.ownership.outcome import Rejected, Verified


@dataclass(frozen=True)
class Coin:
    name: str  # as its message magic spells it
    p2pkh_version: int
    p2sh_versions: tuple[int, ...]
    hrp: str | None = None  # bech32 prefix, where the coin has segwit


COINS = {
    "dogecoin": Coin("Dogecoin", 0x1E, (0x16,)),
    "litecoin": Coin("Litecoin", 0x30, (0x32, 0x05), "ltc"),
}
MULTISIG_NOTE = N_(
    "{reason}; a BIP-137 signature proves a P2SH address only as P2SH-P2WPKH (one key); "
    "a multisig P2SH cannot be proven by one signed message"
)
NO_SEGWIT = N_(
    "address: a {coin} P2SH address cannot be proven by a signed message: {coin} has no "
    "segwit, so the one-key P2SH-P2WPKH script is anyone's to spend there, and a multisig "
    "P2SH needs its signers' signatures and its script, which one signed message does not carry"
)


def parse_address(coin: Coin, text: str) -> Address:
    if coin.hrp is not None and text.lower().startswith(coin.hrp + "1"):
        try:
            hrp, version, program = segwit.decode_any(text)
        except ValueError as e:
            raise Rejected(
                N_("address: not a valid {hrp}1 address ({e})").format(hrp=coin.hrp, e=e)
            ) from None
        if hrp != coin.hrp or version != 0 or len(program) != 20:
            raise Rejected(
                N_("address: only {hrp}1 P2WPKH (version 0, 20 bytes) is supported").format(
                    hrp=coin.hrp
                )
            )
        return Address(text, Kind.P2WPKH, program, frozenset({"mainnet"}), 0)
    try:
        data = CBase58Data(text)
    except (Base58Error, ValueError) as e:
        raise Rejected(N_("address: not base58check ({e})").format(e=e)) from None
    if len(data) == 20 and data.nVersion in coin.p2sh_versions:
        if coin.hrp is None:
            raise Rejected(NO_SEGWIT.format(coin=coin.name))
        return Address(text, Kind.P2SH, bytes(data), frozenset({"mainnet"}))
    if data.nVersion != coin.p2pkh_version or len(data) != 20:
        versions = ", ".join(f"{v:#04x}" for v in coin.p2sh_versions)
        raise Rejected(
            N_(
                "address: version byte {nVersion} is not {name} P2PKH ({p2pkh_version})"
                " or P2SH ({p2sh_versions})"
            ).format(
                nVersion=format(data.nVersion, "#04x"),
                name=coin.name,
                p2pkh_version=format(coin.p2pkh_version, "#04x"),
                p2sh_versions=versions,
            )
        )
    return Address(text, Kind.P2PKH, bytes(data), frozenset({"mainnet"}))


def verify(coin: Coin, address_text: str, message: bytes, signature: str) -> Verified:
    address = parse_address(coin, address_text)
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except binascii.Error:
        raise Rejected(N_("signature is not base64")) from None
    if not bip137.is_bip137(raw):
        raise Rejected(N_("signature is not a 65-byte BIP-137 one with a header of 27-42"))
    try:
        return bip137.verify(address, message, raw, None, coin.name)
    except Rejected as e:
        if address.kind is Kind.P2SH:
            raise Rejected(MULTISIG_NOTE.format(reason=e.reason)) from None
        raise
