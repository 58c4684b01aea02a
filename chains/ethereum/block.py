"""The pinned block: is it still there, on the right chain, deep enough, and how to name it.

Every read names the block by hash with EIP-1898's `requireCanonical`, so a node
that has reorganised away from the snapshot refuses the read instead of answering
for another block. Nodes without EIP-1898 get the block number, and the hash at
that height is checked before and after the reads instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chains.ethereum import hexio
from chains.jsonrpc import JsonRpcClient, RpcErrorObject
from chains.snapshot import ChainError, Reason, Snapshot

# --network names accepted for Ethereum, with their chain ids.
NETWORKS = {
    "mainnet": 1,
    "sepolia": 11155111,
    "holesky": 17000,
    "hoodi": 560048,
    "anvil": 31337,
}

_INVALID_PARAMS = -32602


@dataclass(frozen=True)
class Pin:
    """How reads name the snapshot block: `param` goes where a block tag would."""

    snapshot: Snapshot
    param: Any  # {"blockHash": ..., "requireCanonical": true}, or the height in hex

    @property
    def block_hash(self) -> str:
        return self.snapshot.block_hash


def block_at(client: JsonRpcClient, height: int, *, chain_id: int) -> Snapshot:
    """The block the node has at `height`, for a list that names heights, not hashes:
    pin it, and `check_snapshot` checks it again (confirmations, reorg) around the reads.
    A node on another chain is named as such, whatever its height."""
    chain_hex, tip_hex, block = client.batch(
        [
            ("eth_chainId", []),
            ("eth_blockNumber", []),
            ("eth_getBlockByNumber", [hex(height), False]),
        ]
    )
    _check_chain(hexio.quantity(chain_hex, "eth_chainId"), chain_id)
    tip = hexio.quantity(tip_hex, "eth_blockNumber")
    if tip < height or block is None:
        raise ChainError(Reason.NODE_BEHIND, f"height {height} is above the node's tip {tip}")
    return Snapshot(height, _hash_of(block))


def _check_chain(node_chain: int, chain_id: int) -> None:
    if node_chain != chain_id:
        raise ChainError(
            Reason.WRONG_CHAIN, f"the node is on chain id {node_chain}, expected {chain_id}"
        )


def _hash_of(block: object) -> str:
    return "0x" + hexio.data(hexio.field(block, "hash", "eth_getBlockByNumber"), "hash", 32).hex()


def check_snapshot(
    client: JsonRpcClient, snapshot: Snapshot, *, chain_id: int, confirmations: int
) -> int:
    """Raise a ChainError unless the node is on `chain_id` and holds the snapshot
    block at its height with at least `confirmations` (the tip counts as 1).
    Returns the node's tip height."""
    chain_hex, tip_hex, block = client.batch(
        [
            ("eth_chainId", []),
            ("eth_blockNumber", []),
            ("eth_getBlockByNumber", [hex(snapshot.height), False]),
        ],
        block_hash=snapshot.block_hash,
    )
    _check_chain(hexio.quantity(chain_hex, "eth_chainId"), chain_id)
    tip = hexio.quantity(tip_hex, "eth_blockNumber")
    if tip < snapshot.height or block is None:
        raise ChainError(
            Reason.NODE_BEHIND, f"the node's tip is {tip}, below the snapshot {snapshot.height}"
        )
    found = _hash_of(block)
    if found != snapshot.block_hash:
        raise ChainError(
            Reason.REORG,
            f"block {snapshot.height} is {found}, not the pinned {snapshot.block_hash} "
            "(reorganised away, or another chain)",
        )
    depth = tip - snapshot.height + 1
    if depth < confirmations:
        raise ChainError(
            Reason.NOT_ENOUGH_CONFIRMATIONS,
            f"block {snapshot.height} has {depth} confirmations, {confirmations} required",
        )
    return tip


def pin_block(
    client: JsonRpcClient, snapshot: Snapshot, probes: Sequence[str]
) -> tuple[Pin, list[bytes]]:
    """Find how this node takes a pinned block, and read the `probes`' code there
    (empty for an account without code).

    The code reads double as the EIP-1898 probe, so pinning costs no round trip of
    its own for a caller that needs the code anyway (token and Multicall detection).
    """
    by_hash = {"blockHash": snapshot.block_hash, "requireCanonical": True}
    for param, eip1898 in ((by_hash, True), (hex(snapshot.height), False)):
        calls = [("eth_getCode", [p, param]) for p in probes]
        try:
            codes = client.batch(calls, block_hash=snapshot.block_hash)
        except RpcErrorObject as e:
            if e.code != _INVALID_PARAMS or not eip1898:
                raise
            continue
        return Pin(snapshot, param), [_code(c) for c in codes]
    raise AssertionError("unreachable: the block-number form either answers or raises")


def _code(answer: object) -> bytes:
    # Early Ganache answered "0x0" for an account without code; it is no other number.
    return b"" if answer == "0x0" else hexio.data(answer, "eth_getCode")
