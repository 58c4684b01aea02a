"""Ethereum addresses: 20 bytes in hex, with the EIP-55 mixed-case checksum checked
when the address carries one."""

from eth_utils import is_checksum_address

from verifier.i18n import N_


class EthAddressError(ValueError):
    pass


def parse(text: str) -> bytes:
    body = text[2:] if text[:2] in ("0x", "0X") else ""
    if len(body) != 40:
        raise EthAddressError(N_("not an Ethereum address (0x and 40 hex digits)"))
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise EthAddressError(N_("not an Ethereum address (0x and 40 hex digits)")) from None
    if body.lower() != body and body.upper() != body and not is_checksum_address(text):
        raise EthAddressError(N_("EIP-55 checksum (the letters' case) is wrong"))
    return raw
