"""Check a block header against the pinned hash, so its stateRoot can be trusted.

No installed library builds an execution-layer header from its JSON-RPC form
(py-evm would, but it is a whole EVM to pull in for one list), so the field order
is written out here; rlp and eth-hash do the encoding and the hashing.
"""

from typing import Any

import rlp
from eth_hash.auto import keccak

from chains.ethereum import hexio
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import ChainError, Reason, Snapshot

# (JSON-RPC name, is an integer), in RLP order. The fields after `nonce` arrived
# with later forks (London, Shanghai, Cancun, Prague); a header has a prefix of them.
_FIELDS = (
    ("parentHash", False),
    ("sha3Uncles", False),
    ("miner", False),
    ("stateRoot", False),
    ("transactionsRoot", False),
    ("receiptsRoot", False),
    ("logsBloom", False),
    ("difficulty", True),
    ("number", True),
    ("gasLimit", True),
    ("gasUsed", True),
    ("timestamp", True),
    ("extraData", False),
    ("mixHash", False),
    ("nonce", False),
)
_LATER_FIELDS = (
    ("baseFeePerGas", True),
    ("withdrawalsRoot", False),
    ("blobGasUsed", True),
    ("excessBlobGas", True),
    ("parentBeaconBlockRoot", False),
    ("requestsHash", False),
)


def header_hash(block: dict[str, Any]) -> bytes:
    """keccak256(rlp(header)) computed from the block's JSON fields."""
    items: list[int | bytes] = []
    for name, is_int in _FIELDS:
        items.append(_item(block, name, is_int))
    for name, is_int in _LATER_FIELDS:
        if name not in block:
            break
        items.append(_item(block, name, is_int))
    return keccak(rlp.encode(items))


def _item(block: dict[str, Any], name: str, is_int: bool) -> int | bytes:
    value = hexio.field(block, name, "header")
    return hexio.quantity(value, name) if is_int else hexio.data(value, name)


def proven_state_root(client: JsonRpcClient, snapshot: Snapshot) -> bytes:
    """The snapshot block's stateRoot, after checking that its header hashes to the pin."""
    block = client.call(
        "eth_getBlockByHash", [snapshot.block_hash, False], block_hash=snapshot.block_hash
    )
    if block is None:
        raise ChainError(Reason.REORG, f"the node does not have block {snapshot.block_hash}")
    computed = "0x" + header_hash(block).hex()
    if computed != snapshot.block_hash:
        raise ChainError(
            Reason.PROOF_INVALID,
            f"the header served for {snapshot.block_hash} hashes to {computed}",
        )
    number = hexio.quantity(block.get("number"), "header number")
    if number != snapshot.height:
        raise ChainError(
            Reason.PROOF_INVALID, f"the pinned block is at height {number}, not {snapshot.height}"
        )
    return hexio.data(block["stateRoot"], "stateRoot", 32)
