"""Balances proven by Merkle-Patricia proofs (eth_getProof) against the stateRoot
of a header that hashes to the pinned block hash: the node is trusted for nothing
but the pin itself.

The trie walk is py-trie's (`HexaryTrie.get_from_proof`); this module only feeds it
the nodes and compares what it proves with what the node claimed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

from chains.ethereum import hexio
from chains.ethereum.block import Pin
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import ChainError, Reason

_EMPTY_TRIE_ROOT = keccak(rlp.encode(b""))


@dataclass(frozen=True)
class Account:
    nonce: int
    balance: int
    storage_root: bytes


def balance_slot_key(holder: str, slot: int) -> bytes:
    """Storage key of `holder` in a `mapping(address => uint256)` at `slot` (Solidity layout)."""
    return keccak(bytes(12) + bytes.fromhex(holder[2:]) + slot.to_bytes(32, "big"))


def proven_eth(
    client: JsonRpcClient, pin: Pin, state_root: bytes, addresses: Sequence[str], batch_size: int
) -> list[int]:
    calls = [("eth_getProof", [a, [], pin.param]) for a in addresses]
    answers = client.batch(calls, size=batch_size, block_hash=pin.block_hash)
    return [
        _account(state_root, a, answer).balance
        for a, answer in zip(addresses, answers, strict=True)
    ]


def proven_erc20(
    client: JsonRpcClient,
    pin: Pin,
    state_root: bytes,
    token: str,
    slot: int,
    holders: Sequence[str],
    chunk_size: int,
    batch_size: int,
) -> list[int]:
    """Each holder's slot in the token's storage, proven against the token's storage root."""
    keys = [balance_slot_key(h, slot) for h in holders]
    chunks = [keys[i : i + chunk_size] for i in range(0, len(keys), chunk_size)]
    calls = [("eth_getProof", [token, ["0x" + k.hex() for k in c], pin.param]) for c in chunks]
    answers = client.batch(calls, size=batch_size, block_hash=pin.block_hash)
    values: list[int] = []
    for chunk, answer in zip(chunks, answers, strict=True):
        account = _account(state_root, token, answer)
        entries = hexio.field(answer, "storageProof", "eth_getProof")
        if not isinstance(entries, list) or len(entries) != len(chunk):
            raise ChainError(Reason.MALFORMED_ANSWER, "eth_getProof: storage proofs missing")
        for key, entry in zip(chunk, entries, strict=True):
            values.append(_storage(account.storage_root, key, entry))
    return values


def _account(state_root: bytes, address: str, answer: Any) -> Account:
    claimed = str(hexio.field(answer, "address", "eth_getProof")).lower()
    if claimed != address.lower():
        raise ChainError(Reason.PROOF_INVALID, f"asked a proof for {address}, got {claimed}")
    nodes = hexio.field(answer, "accountProof", "eth_getProof")
    leaf = _prove(state_root, keccak(bytes.fromhex(address[2:])), nodes, address)
    if leaf == b"":
        account = Account(0, 0, _EMPTY_TRIE_ROOT)  # proven absent: an empty account
    else:
        try:
            nonce, balance, storage_root, _code_hash = rlp.decode(leaf)
        except (rlp.exceptions.DecodingError, ValueError) as e:
            raise ChainError(Reason.PROOF_INVALID, f"{address}: account leaf: {e}") from None
        account = Account(
            int.from_bytes(nonce, "big"), int.from_bytes(balance, "big"), bytes(storage_root)
        )
    said = hexio.quantity(hexio.field(answer, "balance", "eth_getProof"), "balance")
    if said != account.balance:
        raise ChainError(
            Reason.PROOF_INVALID,
            f"{address}: the node says balance {said}, its proof shows {account.balance}",
        )
    return account


def _storage(storage_root: bytes, key: bytes, entry: Any) -> int:
    asked = int.from_bytes(key, "big")
    got = _storage_key(hexio.field(entry, "key", "storageProof"))
    if got != asked:
        raise ChainError(Reason.PROOF_INVALID, f"storage proof for key {got:#x}, asked {asked:#x}")
    nodes = hexio.field(entry, "proof", "storageProof")
    leaf = _prove(storage_root, keccak(key), nodes, f"slot {asked:#x}")
    try:
        proven = int.from_bytes(rlp.decode(leaf), "big") if leaf else 0
    except (rlp.exceptions.DecodingError, ValueError) as e:
        raise ChainError(Reason.PROOF_INVALID, f"slot {asked:#x}: leaf: {e}") from None
    said = hexio.quantity(hexio.field(entry, "value", "storageProof"), "storage value")
    if said != proven:
        raise ChainError(
            Reason.PROOF_INVALID, f"slot {asked:#x}: the node says {said}, its proof shows {proven}"
        )
    return proven


def _storage_key(value: Any) -> int:
    """EIP-1186 writes the key as a QUANTITY; geth and anvil echo the 32 bytes asked."""
    if isinstance(value, str) and len(value) == 66:
        return int.from_bytes(hexio.data(value, "storage key", 32), "big")
    return hexio.quantity(value, "storage key")


def _prove(root: bytes, key: bytes, nodes: Any, what: str) -> bytes:
    if not isinstance(nodes, list):
        raise ChainError(Reason.MALFORMED_ANSWER, f"{what}: proof is not a list")
    try:
        decoded = [rlp.decode(hexio.data(n, "proof node")) for n in nodes]
        return bytes(HexaryTrie.get_from_proof(root, key, decoded))
    except ChainError:
        raise
    except Exception as e:  # py-trie raises BadTrieProof, InvalidNode, ValidationError, ...
        raise ChainError(Reason.PROOF_INVALID, f"{what}: {type(e).__name__}: {e}") from None
