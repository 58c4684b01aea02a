"""Whether a source's view of the chain lets a snapshot be read at all.

Both sources (a Core-style node, an Esplora server) answer the same four
questions -- which genesis, which tip, which block at the snapshot height --
and the verdict on those answers lives here once.
"""

from dataclasses import dataclass

from chains.bitcoin.networks import Network
from chains.snapshot import ChainError, Reason, Snapshot

DEFAULT_CONFIRMATIONS = 6


@dataclass(frozen=True)
class ChainView:
    genesis_hash: str
    tip_height: int
    hash_at_height: str | None  # None when the source has no block at that height
    chain_name: str | None = None  # getblockchaininfo's "chain"; Esplora has none


def judge(view: ChainView, net: Network, snapshot: Snapshot, min_confirmations: int) -> None:
    """Raise the named reason the snapshot cannot be read from this source, if any."""
    if view.genesis_hash != net.genesis_hash:
        raise ChainError(
            Reason.WRONG_CHAIN,
            f"the source's genesis block is {view.genesis_hash}, not {net.name}'s "
            f"{net.genesis_hash}",
        )
    if view.chain_name is not None and view.chain_name != net.core_chain:
        raise ChainError(
            Reason.WRONG_CHAIN, f"the node says chain {view.chain_name!r}, not {net.core_chain!r}"
        )
    if view.tip_height < snapshot.height or view.hash_at_height is None:
        raise ChainError(
            Reason.NODE_BEHIND,
            f"the source's tip is at height {view.tip_height}, below the snapshot's "
            f"{snapshot.height}",
        )
    if view.hash_at_height != snapshot.block_hash:
        raise ChainError(
            Reason.REORG,
            f"the block at height {snapshot.height} is {view.hash_at_height}, not the pinned "
            f"{snapshot.block_hash} (reorg or wrong snapshot)",
        )
    confirmations = view.tip_height - snapshot.height + 1
    if confirmations < min_confirmations:
        raise ChainError(
            Reason.NOT_ENOUGH_CONFIRMATIONS,
            f"the pinned block has {confirmations} confirmations, {min_confirmations} needed",
        )
