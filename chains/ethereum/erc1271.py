"""ERC-1271 `isValidSignature` of a contract wallet, asked at the snapshot block.

The ownership checks decide what a valid answer means; this only asks, pinned to
the block, and returns the raw answer with the hash of the code that gave it, so a
report can show which wallet code approved the signature.
"""

from dataclasses import dataclass

from eth_abi import encode
from eth_hash.auto import keccak
from eth_utils import function_signature_to_4byte_selector

from chains.ethereum import hexio
from chains.ethereum.block import pin_block
from chains.jsonrpc import JsonRpcClient, RpcErrorObject
from chains.snapshot import Snapshot

MAGIC_VALUE = bytes.fromhex("1626ba7e")
_IS_VALID_SIGNATURE = function_signature_to_4byte_selector("isValidSignature(bytes32,bytes)")
_REVERTED = 3  # the JSON-RPC error code nodes give an eth_call that reverted


@dataclass(frozen=True)
class Erc1271Answer:
    contract: str
    block_hash: str
    code_hash: str  # 0x keccak256 of the contract's code at the block
    has_code: bool
    result: bytes  # the raw return data (empty when the call reverted)
    reverted: bool

    @property
    def valid(self) -> bool:
        """The call returned the ERC-1271 magic value (left-aligned bytes4 in a word)."""
        return (
            not self.reverted
            and len(self.result) == 32
            and self.result[:4] == MAGIC_VALUE
            and not any(self.result[4:])
        )


def is_valid_signature(
    client: JsonRpcClient,
    snapshot: Snapshot,
    contract: str,
    message_hash: bytes,
    signature: bytes,
) -> Erc1271Answer:
    """Call `contract.isValidSignature(message_hash, signature)` at the snapshot block.

    Raises a ChainError (timeout, unreachable, ...) when the node could not answer;
    a revert is an answer (`reverted`, not valid). Check the snapshot itself with
    `check_snapshot` first: this pins the block but does not count confirmations.
    """
    if len(message_hash) != 32:
        raise ValueError("the message hash must be 32 bytes")
    pin, (code_bytes,) = pin_block(client, snapshot, [contract])
    calldata = _IS_VALID_SIGNATURE + encode(["bytes32", "bytes"], [message_hash, signature])
    request = {"to": contract, "data": "0x" + calldata.hex()}
    try:
        answer = client.call("eth_call", [request, pin.param], block_hash=pin.block_hash)
        result, reverted = hexio.data(answer, "isValidSignature"), False
    except RpcErrorObject as e:
        if e.code != _REVERTED and "revert" not in e.message.lower():
            raise
        result, reverted = b"", True
    return Erc1271Answer(
        contract=contract,
        block_hash=snapshot.block_hash,
        code_hash="0x" + keccak(code_bytes).hex(),
        has_code=bool(code_bytes),
        result=result,
        reverted=reverted,
    )
