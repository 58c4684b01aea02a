"""Dogecoin and Litecoin ownership signatures: BIP-137 signed messages under each
coin's message magic, for the address types their wallets sign messages with.

Their addresses are Bitcoin's with other version bytes (Dogecoin P2PKH 0x1e,
Litecoin P2PKH 0x30) and, for Litecoin's segwit, the bech32 prefix "ltc"; they
are read into Bitcoin's Address so that BIP-137's checks are the same code.
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
    hrp: str | None = None  # bech32 prefix, where the coin has segwit


COINS = {
    "dogecoin": Coin("Dogecoin", 0x1E),
    "litecoin": Coin("Litecoin", 0x30, "ltc"),
}


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
    if data.nVersion != coin.p2pkh_version or len(data) != 20:
        raise Rejected(
            N_("address: version byte {nVersion} is not {name} P2PKH ({p2pkh_version})").format(
                nVersion=format(data.nVersion, "#04x"),
                name=coin.name,
                p2pkh_version=format(coin.p2pkh_version, "#04x"),
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
    return bip137.verify(address, message, raw, None, coin.name)
