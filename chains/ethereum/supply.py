"""An ERC-20's supply at a pinned block: `totalSupply()`, `decimals()`, `symbol()` and
the `balanceOf` of the addresses whose tokens are not in circulation (an issuer's
unissued treasury, burn addresses), every call an eth_call pinned to the block hash
(EIP-1898) and the snapshot checked before and after, as for balances.

JSON-RPC batches rather than Multicall3: a stablecoin's few reads fit one request,
and a bundle of plain eth_calls reads as what was asked.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector

from chains.ethereum import calls, hexio
from chains.ethereum.block import Pin, check_snapshot, pin_block
from chains.jsonrpc import JsonRpcClient, MalformedAnswer, RpcErrorObject
from chains.snapshot import ChainError, Failed, Inconclusive, Reason, Snapshot

_TOTAL_SUPPLY = function_signature_to_4byte_selector("totalSupply()")
_DECIMALS = function_signature_to_4byte_selector("decimals()")
_SYMBOL = function_signature_to_4byte_selector("symbol()")


@dataclass(frozen=True)
class Supply:
    """What the token says at the snapshot block, in its base units."""

    snapshot: Snapshot
    token: str
    total_supply: int
    decimals: int
    symbol: str
    held: tuple[tuple[str, int], ...]  # (address, balanceOf) in request order


SupplyResult = Supply | Inconclusive | Failed


def _call(token: str, selector: bytes, what: str) -> calls.Read:
    """A no-argument view call, carried like a balance read (one 32-byte word back)."""
    data = "0x" + selector.hex()
    return calls.Read(what, token, selector, ("eth_call", [{"to": token, "data": data}]), False)


def read_supply(
    client: JsonRpcClient,
    snapshot: Snapshot,
    token: str,
    holders: Sequence[str],
    *,
    chain_id: int,
    confirmations: int,
) -> SupplyResult:
    """The token's supply and the holders' balances, or why there are none."""
    try:
        check_snapshot(client, snapshot, chain_id=chain_id, confirmations=confirmations)
        pin, codes = pin_block(client, snapshot, [token])
        if not codes[0]:
            raise ChainError(
                Reason.MALFORMED_ANSWER, f"token {token} has no code at the snapshot block"
            )
        reads = [
            _call(token, _TOTAL_SUPPLY, "totalSupply()"),
            _call(token, _DECIMALS, "decimals()"),
            *(calls.erc20_read(h, token) for h in holders),
        ]
        try:
            values = calls.via_rpc(client, pin, reads, len(reads))
            symbol = _symbol(client, pin, token)
        except RpcErrorObject:
            check_snapshot(client, snapshot, chain_id=chain_id, confirmations=confirmations)
            raise
        check_snapshot(client, snapshot, chain_id=chain_id, confirmations=confirmations)
        total, decimals, *held = values
        if sum(held) > total:
            raise ChainError(
                Reason.MALFORMED_ANSWER,
                f"the listed addresses hold {sum(held)}, more than totalSupply() {total}",
            )
        held_by = tuple(zip(holders, held, strict=True))
        return Supply(snapshot, token, total, decimals, symbol, held_by)
    except ChainError as e:
        return e.result()


def _symbol(client: JsonRpcClient, pin: Pin, token: str) -> str:
    """`symbol()` as ERC-20 has it (an ABI string), or as early tokens answer (bytes32,
    NUL-padded)."""
    call = {"to": token, "data": "0x" + _SYMBOL.hex()}
    (answer,) = client.batch([("eth_call", [call, pin.param])], block_hash=pin.block_hash)
    raw = hexio.data(answer, "symbol()")
    try:
        if len(raw) == 32:
            return raw.rstrip(b"\0").decode()
        (text,) = decode(["string"], raw)
    except Exception as e:  # eth_abi and UnicodeDecodeError: several unrelated types
        raise MalformedAnswer(f"symbol(): answer does not decode ({e})") from None
    return str(text)
