"""Balance reads, three ways: through a Multicall3 contract, as JSON-RPC batches,
or one request per address (the naive way, kept for the benchmark and for nodes
that refuse batches).

A read is described once as a `Read` (the contract to ask and what to ask it, plus
the plain JSON-RPC call that gives the same number) and any of the three ways can
carry it out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector

from chains.ethereum import hexio
from chains.ethereum.block import Pin
from chains.jsonrpc import JsonRpcClient, MalformedAnswer

MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11"  # same address on every chain

_AGGREGATE3 = function_signature_to_4byte_selector("aggregate3((address,bool,bytes)[])")
_GET_ETH_BALANCE = function_signature_to_4byte_selector("getEthBalance(address)")
_BALANCE_OF = function_signature_to_4byte_selector("balanceOf(address)")


def _address_word(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address[2:])


@dataclass(frozen=True)
class Read:
    address: str  # whose balance
    target: str  # contract a multicall asks (the multicall itself for ETH)
    calldata: bytes
    rpc: tuple[str, list[Any]]  # the equivalent JSON-RPC call, without the block
    is_eth: bool


def eth_read(address: str, multicall: str | None) -> Read:
    return Read(
        address,
        multicall or MULTICALL3,
        _GET_ETH_BALANCE + _address_word(address),
        ("eth_getBalance", [address]),
        True,
    )


def erc20_read(address: str, token: str) -> Read:
    calldata = _BALANCE_OF + _address_word(address)
    return Read(
        address,
        token,
        calldata,
        ("eth_call", [{"to": token, "data": "0x" + calldata.hex()}]),
        False,
    )


def via_rpc(client: JsonRpcClient, pin: Pin, reads: Sequence[Read], batch_size: int) -> list[int]:
    """Each read as its own JSON-RPC call, `batch_size` calls per HTTP request
    (1 is the naive one-request-per-address way)."""
    calls = [(r.rpc[0], [*r.rpc[1], pin.param]) for r in reads]
    answers = client.batch(calls, size=batch_size, block_hash=pin.block_hash)
    return [_decode_rpc(r, a) for r, a in zip(reads, answers, strict=True)]


def _decode_rpc(read: Read, answer: Any) -> int:
    if read.is_eth:
        return hexio.quantity(answer, f"eth_getBalance({read.address})")
    raw = hexio.data(answer, f"balanceOf({read.address})", 32)
    return int.from_bytes(raw, "big")


def via_multicall(
    client: JsonRpcClient,
    pin: Pin,
    multicall: str,
    reads: Sequence[Read],
    chunk_size: int,
    batch_size: int,
) -> list[int]:
    """`chunk_size` reads per aggregate3 eth_call, `batch_size` eth_calls per request."""
    chunks = [reads[i : i + chunk_size] for i in range(0, len(reads), chunk_size)]
    calls = [
        ("eth_call", [{"to": multicall, "data": "0x" + _aggregate3(chunk).hex()}, pin.param])
        for chunk in chunks
    ]
    answers = client.batch(calls, size=batch_size, block_hash=pin.block_hash)
    values: list[int] = []
    for chunk, answer in zip(chunks, answers, strict=True):
        values.extend(_decode_aggregate3(chunk, answer))
    return values


def _aggregate3(reads: Sequence[Read]) -> bytes:
    """aggregate3 calldata with allowFailure set on every call.

    Encoded here rather than with eth_abi.encode, which validates and dispatches per
    value and took longer for 10,000 reads than the node took to answer them; the
    tests check this against eth_abi on generated input.
    """
    heads: list[bytes] = []
    tails: list[bytes] = []
    offset = 32 * len(reads)
    for r in reads:
        heads.append(offset.to_bytes(32, "big"))
        padded = r.calldata + bytes(-len(r.calldata) % 32)
        tail = b"".join(
            (
                bytes(12) + bytes.fromhex(r.target[2:]),
                (1).to_bytes(32, "big"),  # allowFailure: a revert is reported, per address
                (96).to_bytes(32, "big"),  # where the bytes start, from the tuple's start
                len(r.calldata).to_bytes(32, "big"),
                padded,
            )
        )
        tails.append(tail)
        offset += len(tail)
    array = len(reads).to_bytes(32, "big") + b"".join(heads) + b"".join(tails)
    return _AGGREGATE3 + (32).to_bytes(32, "big") + array


def _decode_aggregate3(reads: Sequence[Read], answer: Any) -> list[int]:
    raw = hexio.data(answer, "aggregate3")
    try:
        (results,) = decode(["(bool,bytes)[]"], raw)
    except Exception as e:  # eth_abi raises several unrelated types on bad input
        raise MalformedAnswer(f"aggregate3: answer does not decode ({e})") from None
    if len(results) != len(reads):
        raise MalformedAnswer(f"aggregate3: {len(results)} results for {len(reads)} calls")
    values = []
    for read, (ok, data) in zip(reads, results, strict=True):
        what = "getEthBalance" if read.is_eth else "balanceOf"
        if not ok:
            raise MalformedAnswer(f"{what}({read.address}) reverted at the snapshot block")
        if len(data) != 32:
            raise MalformedAnswer(f"{what}({read.address}): {len(data)} bytes, expected 32")
        values.append(int.from_bytes(data, "big"))
    return values
