"""Ethereum: ETH and ERC-20 balances at a pinned block, batched, optionally proven.

Entry points: `read_balances` (see balances.py), `check_snapshot` (block.py) and
`is_valid_signature` (erc1271.py) for ERC-1271 wallets.
"""

from chains.ethereum.balances import EthereumOptions, Mode, read_balances
from chains.ethereum.block import NETWORKS, Pin, check_snapshot, pin_block
from chains.ethereum.erc1271 import Erc1271Answer, is_valid_signature

__all__ = [
    "NETWORKS",
    "Erc1271Answer",
    "EthereumOptions",
    "Mode",
    "Pin",
    "check_snapshot",
    "is_valid_signature",
    "pin_block",
    "read_balances",
]
