"""One spelling per address, so that the same address written twice is seen as one.

Ethereum addresses and bech32 addresses are case-insensitive (EIP-55 and BIP-173 only
add a checksum in the case); base58 addresses are case-sensitive and stay as they are.
"""

import re

_HEX_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BECH32 = re.compile(r"^(bc|tb|bcrt)1[0-9a-z]+$", re.IGNORECASE)


def normalize(address: str) -> str:
    if _HEX_ADDRESS.match(address) or _BECH32.match(address) or address.startswith("script:"):
        return address.lower()
    return address
