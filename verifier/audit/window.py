"""The window around a snapshot: every verified wallet read at sample blocks before
and after it, so that coins borrowed for the snapshot block and sent back in the
next show.

Per chain: the window's first and last block are fixed (from a number of blocks, or
from a duration by the blocks' timestamps), the last must have the confirmations a
snapshot needs (until then the sample cannot be fixed, and the window is
inconclusive), the sample heights are drawn from a seed (`sampling`), and the
wallets are read at every sample and at the first and last block with the same
adapters as the snapshot, pinned by hash: Ethereum one batched read per sample
block, Bitcoin one pass over the raw blocks that yields every sample.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from chains.bitcoin.addresses import AddressError
from chains.bitcoin.core import CoreOptions, read_balances_at
from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.bitcoin.pinning import DEFAULT_CONFIRMATIONS
from chains.evidence import NotInEvidence
from chains.jsonrpc import JsonRpcClient
from chains.names import parse_chain
from chains.snapshot import Balances, ChainError, Reason, Snapshot
from chains.window import (
    BitcoinHeaders,
    Block,
    EthereumHeaders,
    Headers,
    first_at_or_after,
    last_at_or_before,
)
from verifier.audit import sampling
from verifier.audit.balances import (
    Reads,
    Sources,
    address_of,
    read_all,
    record,
    unique_wallets,
)
from verifier.models.attestation import Attestation, ChainPoint
from verifier.models.check import CheckResult, Status
from verifier.reconcile.observations import Balance, WalletKey
from verifier.reconcile.window import ChainWindow

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_REACH = re.compile(r"([0-9]{1,9})([smhd]?)")


SAMPLES = 32  # sample heights per chain unless --samples says otherwise


@dataclass(frozen=True)
class Reach:
    """How far one side of the window reaches: blocks, or seconds of block time."""

    amount: int
    seconds: bool  # False: `amount` is a number of blocks
    text: str = ""  # as written (24h), for the report

    def __str__(self) -> str:
        return self.text if self.seconds else f"{self.amount} blocks"


@dataclass(frozen=True)
class WindowSpec:
    before: Reach
    after: Reach
    samples: int = SAMPLES
    seed: bytes | None = None  # None: each chain's window's last block hash

    @classmethod
    def parse(cls, text: str, samples: int | None = None, seed: str | None = None) -> "WindowSpec":
        """BEFORE:AFTER, each blocks (`144`) or a duration (`24h`, `90m`, `3600s`, `2d`);
        a ValueError says what is wrong."""
        before, colon, after = text.partition(":")
        if not colon:
            raise ValueError(f"{text!r} is not BEFORE:AFTER")
        samples = SAMPLES if samples is None else samples
        if samples < 1:
            raise ValueError("samples must be at least 1")
        given = None
        if seed is not None:
            digits = seed.removeprefix("0x")
            if not digits or len(digits) % 2 or not re.fullmatch(r"[0-9a-fA-F]+", digits):
                raise ValueError(f"seed {seed!r} is not hex bytes")
            given = bytes.fromhex(digits)
        return cls(_reach(before), _reach(after), samples, given)

    def __str__(self) -> str:
        return f"{self.before} before, {self.after} after, {self.samples} samples"


def _reach(text: str) -> Reach:
    m = _REACH.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is neither blocks (144) nor a duration (24h, 90m, 3600s, 2d)")
    amount, unit = int(m[1]), m[2]
    return Reach(amount * _UNITS[unit], True, m[0]) if unit else Reach(amount, False, m[0])


def read_window(att: Attestation, sources: Sources, spec: WindowSpec) -> list[ChainWindow]:
    """Every chain of the snapshot that has wallets, in the snapshot's order."""
    listed = {w.chain for w in att.wallets}
    return [_chain(att, sources, spec, p) for p in att.snapshot.chains if p.chain in listed]


def _chain(att: Attestation, sources: Sources, spec: WindowSpec, point: ChainPoint) -> ChainWindow:
    bitcoin = point.chain.startswith("bitcoin:")
    url = sources.btc_rpc if bitcoin else sources.evm_endpoint(point.chain)
    if url is None and sources.bundle is None:
        need = "a Bitcoin node (--btc-rpc)" if bitcoin else f"a node for {point.chain}"
        return ChainWindow(
            point.chain, point.height, sampling.RULE, reason=f"the window needs {need}"
        )
    try:
        client = sources.client(point.chain, url)
    except NotInEvidence as e:
        return ChainWindow(
            point.chain, point.height, sampling.RULE, reason=f"{Reason.NOT_IN_EVIDENCE}: {e}"
        )
    with client:
        try:
            if bitcoin:
                net = BITCOIN_NETWORKS[point.chain.partition(":")[2]]
                depth = sources.btc_confirmations or DEFAULT_CONFIRMATIONS
                fixed = _fix(BitcoinHeaders(client, net), point, point.block_hash, spec, depth)
                found = _bitcoin(att, sources, client, point, fixed, depth)
            else:
                depth = sources.eth_confirmations or parse_chain(point.chain).confirmations
                headers = EthereumHeaders(client)
                fixed = _fix(headers, point, "0x" + point.block_hash, spec, depth)
        except ChainError as e:
            return ChainWindow(
                point.chain, point.height, sampling.RULE, reason=f"{e.reason}: {e.message}"
            )
    if not bitcoin:
        found = _ethereum(att, sources, point, fixed)
    return ChainWindow(
        point.chain,
        point.height,
        sampling.RULE,
        first=fixed.points[0].height,
        last=fixed.points[-1].height,
        seed=fixed.seed.hex(),
        seed_given=spec.seed is not None,
        points=fixed.points,
        balances=found,
    )


@dataclass(frozen=True)
class _Fixed:
    seed: bytes
    points: tuple[Block, ...]


def _fix(headers: Headers, point: ChainPoint, pinned: str, spec: WindowSpec, depth: int) -> _Fixed:
    """The window's blocks on this chain, or the ChainError why they cannot be fixed yet."""
    tip = headers.tip()
    if tip < point.height:
        raise ChainError(Reason.NODE_BEHIND, f"the node's tip {tip} is below the snapshot")
    (snap,) = headers.blocks([point.height])
    if snap.block_hash != pinned:
        raise ChainError(
            Reason.REORG, f"block {point.height} is {snap.block_hash}, not the pinned {pinned}"
        )
    if spec.before.seconds:
        first = first_at_or_after(headers, snap.time - spec.before.amount, 0, point.height)
    else:
        first = max(0, point.height - spec.before.amount)
    if spec.after.seconds:
        end = snap.time + spec.after.amount
        (top,) = headers.blocks([tip])
        if top.time < end:
            raise ChainError(
                Reason.NOT_ENOUGH_CONFIRMATIONS,
                f"the window has not ended: the tip #{tip} is from {end - top.time} s before "
                "its end, so its sample cannot be fixed yet",
            )
        last = last_at_or_before(headers, end, point.height, tip)
    else:
        last = point.height + spec.after.amount
    buried = tip - last + 1
    if buried < depth:
        raise ChainError(
            Reason.NOT_ENOUGH_CONFIRMATIONS,
            f"the window's last block #{last} has {max(buried, 0)} confirmations, {depth} "
            "needed: the sample cannot be fixed yet",
        )
    (closing,) = headers.blocks([last])
    seed = spec.seed if spec.seed is not None else bytes.fromhex(closing.block_hash[-64:])
    drawn = sampling.draw(seed, point.chain, range(first + 1, last), spec.samples)
    heights = sorted({first, last, *drawn})
    blocks = tuple(headers.blocks(heights))
    if blocks[-1].block_hash != closing.block_hash:
        raise ChainError(Reason.REORG, f"block #{last} changed while the window was fixed")
    return _Fixed(seed, blocks)


def _ethereum(
    att: Attestation, sources: Sources, point: ChainPoint, fixed: _Fixed
) -> dict[int, Mapping[WalletKey, Mapping[str, Balance]]]:
    """One batched read per block of the window, by the snapshot's own reader pinned to
    that block's hash (each opens its client, as the snapshot's read does)."""
    return {
        b.height: read_all(
            att,
            sources,
            ChainPoint(chain=point.chain, height=b.height, block_hash=b.block_hash[2:]),
        ).balances
        for b in fixed.points
    }


def _bitcoin(
    att: Attestation,
    sources: Sources,
    client: JsonRpcClient,
    point: ChainPoint,
    fixed: _Fixed,
    depth: int,
) -> dict[int, Mapping[WalletKey, Mapping[str, Balance]]]:
    """Every sample from one pass over the raw blocks from the wallets' first use to the
    window's last block."""
    holders = [w for w in att.wallets if w.chain == point.chain and "BTC" in w.assets]
    wallets = unique_wallets(holders)
    net = BITCOIN_NETWORKS[point.chain.partition(":")[2]]
    first = fixed.points[0].height
    start = min([first, *(w.first_use_height or 0 for w in wallets)])
    end = fixed.points[-1]
    heights = [b.height for b in fixed.points]
    options = CoreOptions(net, from_height=start, min_confirmations=depth, batch_size=200)
    try:
        read = read_balances_at(
            client,
            Snapshot(end.height, end.block_hash),
            heights,
            [address_of(w) for w in wallets],
            options,
            sources.recorder,
        )
    except AddressError as e:
        read = ChainError(Reason.MALFORMED_ANSWER, str(e)).result()
    check_id = f"window.{point.chain}.BTC"
    out: dict[int, Mapping[WalletKey, Mapping[str, Balance]]] = {}
    for n, block in enumerate(fixed.points):
        reads = Reads()
        for w in holders:
            reads.balances.setdefault((w.chain, w.locator), {})
        at = ChainPoint(chain=point.chain, height=block.height, block_hash=block.block_hash)
        result: Balances | CheckResult = (
            read[n]
            if isinstance(read, tuple)
            else CheckResult(
                id=check_id, status=Status.INCONCLUSIVE, reason=f"{read.reason}: {read.message}"
            )
        )
        record(reads, holders, "BTC", at, check_id, None, result)
        out[block.height] = reads.balances
    return out
