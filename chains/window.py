"""The blocks around a snapshot: the chain's tip, block hashes and times at given
heights, and the height where a duration before or after the snapshot ends.

A window of `24h:24h` is turned into blocks per chain from the blocks' own
timestamps, by binary search over headers: every header asked for is an answer
like any other, so it is recorded in the evidence and the same search replays
offline. Bitcoin headers are parsed and checked (hash, proof of work) before
their time is used; Bitcoin's block times may run backwards by up to two hours,
so there a duration is located to within that much.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from chains.bitcoin import answers
from chains.bitcoin.blocks import parse_header
from chains.bitcoin.networks import Network
from chains.ethereum import hexio
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import ChainError, Reason


@dataclass(frozen=True)
class Block:
    height: int
    block_hash: str  # as the chain's adapters pin it (0x on Ethereum)
    time: int  # the header's timestamp, Unix seconds


class Headers(Protocol):
    """What locating a window needs of a node."""

    def tip(self) -> int: ...

    def blocks(self, heights: Sequence[int]) -> list[Block]: ...


class EthereumHeaders:
    def __init__(self, client: JsonRpcClient) -> None:
        self._client = client

    def tip(self) -> int:
        return hexio.quantity(self._client.call("eth_blockNumber", []), "eth_blockNumber")

    def blocks(self, heights: Sequence[int]) -> list[Block]:
        calls = [("eth_getBlockByNumber", [hex(h), False]) for h in heights]
        out = []
        for h, block in zip(heights, self._client.batch(calls, size=100), strict=True):
            what = f"eth_getBlockByNumber {h}"
            if block is None:
                raise ChainError(Reason.NODE_BEHIND, f"{what}: the node has no block there")
            number = hexio.quantity(hexio.field(block, "number", what), what)
            if number != h:
                raise ChainError(Reason.MALFORMED_ANSWER, f"{what}: answered block {number}")
            raw = hexio.data(hexio.field(block, "hash", what), what, 32)
            time = hexio.quantity(hexio.field(block, "timestamp", what), what)
            out.append(Block(h, "0x" + raw.hex(), time))
        return out


class BitcoinHeaders:
    def __init__(self, client: JsonRpcClient, net: Network) -> None:
        self._client = client
        self._net = net

    def tip(self) -> int:
        return answers.height(self._client.call("getblockcount", []), "getblockcount")

    def blocks(self, heights: Sequence[int]) -> list[Block]:
        found = self._client.batch([("getblockhash", [h]) for h in heights], size=200)
        hashes = [
            answers.hash_hex(v, f"getblockhash {h}") for h, v in zip(heights, found, strict=True)
        ]
        raw = self._client.batch([("getblockheader", [h, False]) for h in hashes], size=200)
        return [
            Block(height, h, parse_header(str(r), h, self._net).nTime)
            for height, h, r in zip(heights, hashes, raw, strict=True)
        ]


def first_at_or_after(headers: Headers, when: int, lo: int, hi: int) -> int:
    """The lowest height in lo..hi whose block time is `when` or later (hi when none
    before it is): where a window reaching back to `when` begins."""
    return _search(lambda h: _time(headers, h) >= when, lo, hi)


def last_at_or_before(headers: Headers, when: int, lo: int, hi: int) -> int:
    """The highest height in lo..hi whose block time is `when` or earlier (lo when
    none after it is): where a window reaching forward to `when` ends."""
    return _search(lambda h: _time(headers, h) > when, lo + 1, hi + 1) - 1


def _time(headers: Headers, height: int) -> int:
    return headers.blocks([height])[0].time


def _search(later: Callable[[int], bool], lo: int, hi: int) -> int:
    """The first height in lo..hi for which `later` holds, `later` being false then
    true along the range; hi when it holds nowhere before hi."""
    while lo < hi:
        mid = (lo + hi) // 2
        if later(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo
