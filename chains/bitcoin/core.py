"""Balances at a pinned block from a Bitcoin Core-style JSON-RPC node, from raw blocks.

The node is asked for raw blocks (`getblock HASH false`), which are parsed and
checked here (see `blocks`), so a balance rests on block data that chains to
the pinned hash, not on the node's wallet or index. Where the node has BIP158
block filters (`scanblocks`, Core 25+), only the blocks that touch the scripts
are fetched, after the headers of the whole range are checked to chain; the
filter index is then trusted to name every such block, and the evidence says so.
"""

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

from bitcoin.core import CBlock

from chains.bitcoin import answers
from chains.bitcoin.addresses import script_pubkeys
from chains.bitcoin.blocks import ChainCheck, parse_block, parse_header
from chains.bitcoin.ledger import Ledger
from chains.bitcoin.networks import Network
from chains.bitcoin.pinning import DEFAULT_CONFIRMATIONS, ChainView, judge
from chains.evidence import Recorder
from chains.jsonrpc import JsonRpcClient, RpcErrorObject
from chains.messages import N_
from chains.snapshot import (
    Balances,
    BalancesResult,
    ChainError,
    Failed,
    Inconclusive,
    Reason,
    Snapshot,
    balances,
)

ASSET = "BTC"
_METHOD_NOT_FOUND = -32601
_MISC_ERROR = -1  # Core: "Index is not enabled for filtertype basic"


@dataclass(frozen=True)
class CoreOptions:
    network: Network
    from_height: int = 0  # the first block that may pay any of the scripts
    min_confirmations: int = DEFAULT_CONFIRMATIONS
    workers: int = 4  # blocks fetched concurrently
    batch_size: int = 200  # getblockhash/getblockheader calls per JSON-RPC batch
    use_filters: bool = True  # try scanblocks first


def read_balances(
    client: JsonRpcClient,
    snapshot: Snapshot,
    addresses: Sequence[str],
    options: CoreOptions,
    recorder: Recorder | None = None,
) -> BalancesResult:
    """Each address's satoshis at `snapshot`, or why they could not be known.

    Addresses not of the network raise `AddressError` (bad input, not a chain fault);
    `recorder`, when given, receives a note of what the result rests on.
    """
    result = read_balances_at(client, snapshot, [snapshot.height], addresses, options, recorder)
    return result[0] if isinstance(result, tuple) else result


def read_balances_at(
    client: JsonRpcClient,
    end: Snapshot,
    heights: Sequence[int],
    addresses: Sequence[str],
    options: CoreOptions,
    recorder: Recorder | None = None,
) -> tuple[Balances, ...] | Inconclusive | Failed:
    """Each address's satoshis after each block of `heights` (within from_height..end),
    in the order of `heights`, from one pass over the blocks up to the pinned `end`:
    a window's samples all come out of the same parse, never a rescan per sample.
    `end` needs the confirmations; every height's hash is checked to chain up to it."""
    net = options.network
    scripts = script_pubkeys(addresses, net)
    if not 0 <= options.from_height <= end.height:
        raise ValueError(f"from-height {options.from_height} is not within 0..{end.height}")
    if any(not options.from_height <= h <= end.height for h in heights):
        raise ValueError(f"the heights are not all within {options.from_height}..{end.height}")
    try:
        judge(_view(client, end), net, end, options.min_confirmations)
        ledger = Ledger(scripts)
        reader = _Reader(client, net, end, options)
        relevant = reader.relevant_blocks(scripts) if options.use_filters else None
        if recorder is not None:
            recorder.note(_note(net, end, options, filtered=relevant is not None))
        hashes = reader.hashes()
        blocks = reader.all_blocks(hashes) if relevant is None else reader.only(hashes, relevant)
        wanted = sorted(set(heights))
        taken: dict[int, dict[bytes, int]] = {}
        for height, block in blocks:
            while wanted and wanted[0] < height:
                taken[wanted.pop(0)] = ledger.balances()
            ledger.apply(block)
        for h in wanted:
            taken[h] = ledger.balances()
        # The pinned block may have been reorged away while the range was read.
        if _hash_at(client, end.height) != end.block_hash:
            raise ChainError(
                Reason.REORG, f"the block at height {end.height} changed during the read"
            )
        return tuple(
            balances(
                Snapshot(h, hashes[h - options.from_height]),
                ASSET,
                [(a, taken[h][s]) for a, s in zip(addresses, scripts, strict=True)],
            )
            for h in heights
        )
    except ChainError as e:
        return e.result()


def _view(client: JsonRpcClient, snapshot: Snapshot) -> ChainView:
    info = client.call("getblockchaininfo", [])
    if not isinstance(info, dict):
        raise ChainError(Reason.MALFORMED_ANSWER, "getblockchaininfo: not an object")
    genesis, tip = client.batch([("getblockhash", [0]), ("getblockcount", [])])
    genesis = answers.hash_hex(genesis, "getblockhash 0")
    tip = answers.height(tip, "getblockcount")
    at_height = _hash_at(client, snapshot.height) if tip >= snapshot.height else None
    return ChainView(genesis, tip, at_height, info.get("chain"))


def block_at(client: JsonRpcClient, height: int) -> Snapshot:
    """The block the node has at `height`, for a list that names heights, not hashes:
    pin it, and the adapter checks it again (confirmations, reorg) around its reads."""
    tip = answers.height(client.call("getblockcount", []), "getblockcount")
    if height > tip:
        raise ChainError(Reason.NODE_BEHIND, f"height {height} is above the node's tip {tip}")
    return Snapshot(height, _hash_at(client, height))


def _hash_at(client: JsonRpcClient, height: int) -> str:
    return answers.hash_hex(client.call("getblockhash", [height]), f"getblockhash {height}")


def _note(net: Network, snapshot: Snapshot, options: CoreOptions, *, filtered: bool) -> str:
    parts = [
        N_(
            "bitcoin {network}: balances summed from raw blocks {first}..{last}, each checked "
            "against its hash and merkle root and chained to {block_hash}"
        ).format(
            network=net.name,
            first=options.from_height,
            last=snapshot.height,
            block_hash=snapshot.block_hash,
        ),
        N_("coins received before height {height} are not seen").format(height=options.from_height),
    ]
    if filtered:
        parts.append(
            N_(
                "only blocks named by the node's BIP158 filter index (scanblocks) were read: "
                "the node is trusted to name every block that touches the scripts"
            )
        )
    return "; ".join(parts)


class _Reader:
    def __init__(
        self, client: JsonRpcClient, net: Network, snapshot: Snapshot, options: CoreOptions
    ) -> None:
        self._client = client
        self._net = net
        self._snapshot = snapshot
        self._options = options

    def _pinned_batch(self, method: str, params: Sequence[list[object]]) -> list[object]:
        calls = [(method, p) for p in params]
        return self._client.batch(
            calls, size=self._options.batch_size, block_hash=self._snapshot.block_hash
        )

    def hashes(self) -> list[str]:
        """The hashes of the range from_height..snapshot, in height order."""
        heights = range(self._options.from_height, self._snapshot.height + 1)
        hashes = self._pinned_batch("getblockhash", [[h] for h in heights])
        return [
            answers.hash_hex(h, f"getblockhash {n}") for n, h in zip(heights, hashes, strict=True)
        ]

    def relevant_blocks(self, scripts: Sequence[bytes]) -> set[str] | None:
        """Hashes of the blocks BIP158 filters match, or None when the node has no filters."""
        descriptors = [f"raw({s.hex()})" for s in scripts]
        start, stop = self._options.from_height, self._snapshot.height
        try:
            answer = self._client.call(
                "scanblocks",
                ["start", descriptors, start, stop],
                block_hash=self._snapshot.block_hash,
            )
        except RpcErrorObject as e:
            if e.code in (_METHOD_NOT_FOUND, _MISC_ERROR):
                return None
            raise
        # Heights compare by type too: JSON's true would otherwise equal height 1.
        if (
            not isinstance(answer, dict)
            or type(answer.get("from_height")) is not int
            or type(answer.get("to_height")) is not int
            or answer["from_height"] != start
            or answer["to_height"] != stop
            or answer.get("completed", True) is not True
            or not isinstance(answer.get("relevant_blocks"), list)
        ):
            raise ChainError(
                Reason.MALFORMED_ANSWER,
                f"scanblocks did not cover {start}..{stop}: {str(answer)[:200]}",
            )
        return {answers.hash_hex(h, "scanblocks") for h in answer["relevant_blocks"]}

    def all_blocks(self, hashes: Sequence[str]) -> Iterator[tuple[int, CBlock]]:
        """Every block of the range (`hashes`), with its height, chained to the pin."""
        check = ChainCheck()
        for height, block in enumerate(self._fetch(hashes), self._options.from_height):
            check.add(block)
            yield height, block
        check.finish(self._snapshot.block_hash)

    def only(self, hashes: Sequence[str], relevant: set[str]) -> Iterator[tuple[int, CBlock]]:
        """The relevant blocks with their heights, each placed in the range's checked
        header chain (`hashes`)."""
        check = ChainCheck()
        raw = self._pinned_batch("getblockheader", [[h, False] for h in hashes])
        for h, header in zip(hashes, raw, strict=True):
            check.add(parse_header(str(header), h, self._net))
        check.finish(self._snapshot.block_hash)
        stray = relevant.difference(hashes)
        if stray:
            raise ChainError(
                Reason.MALFORMED_ANSWER,
                f"scanblocks named {len(stray)} block(s) outside the pinned range, "
                f"e.g. {min(stray)}",
            )
        start = self._options.from_height
        heights = [n for n, h in enumerate(hashes, start) if h in relevant]
        yield from zip(heights, self._fetch([hashes[n - start] for n in heights]), strict=True)

    def _fetch(self, hashes: Sequence[str]) -> Iterator[CBlock]:
        """Blocks in the order given, fetched `workers` at a time ahead of the reader."""
        ahead = max(1, self._options.workers) * 2
        with ThreadPoolExecutor(max_workers=max(1, self._options.workers)) as pool:
            todo = iter(hashes)
            pending: deque[tuple[str, Future[object]]] = deque(
                (h, pool.submit(self._get, h)) for h in islice(todo, ahead)
            )
            while pending:
                h, future = pending.popleft()
                raw = future.result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append((nxt, pool.submit(self._get, nxt)))
                if not isinstance(raw, str):
                    raise ChainError(Reason.MALFORMED_ANSWER, f"getblock {h}: not raw hex")
                yield parse_block(raw, h, self._net)

    def _get(self, block_hash: str) -> object:
        return self._client.call(
            "getblock", [block_hash, False], block_hash=self._snapshot.block_hash
        )
