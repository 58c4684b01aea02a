"""Raw blocks and headers from a node, parsed with python-bitcoinlib and checked
against each other, so the node is trusted for nothing but the pinned hash.

A block counts only if its header hashes to the hash asked for, its
transactions hash to the header's merkle root, its proof of work meets its own
target, and the headers chain by prev-hash up to the pinned block. (The witness
commitment is not checked: witnesses cannot move coins' amounts or scripts.)
"""

from typing import TypeVar

from bitcoin.core import CBlock, CBlockHeader, b2lx
from bitcoin.core.serialize import (
    DeserializationExtraDataError,
    SerializationError,
    uint256_from_compact,
    uint256_from_str,
)

from chains.bitcoin.networks import Network
from chains.snapshot import ChainError, Reason

T = TypeVar("T", bound=CBlockHeader)


def parse_block(raw_hex: str, expected_hash: str, net: Network) -> CBlock:
    """The block, refused unless it is exactly the one named by `expected_hash`."""
    block = _parse(CBlock, raw_hex, expected_hash, net)
    if block.calc_merkle_root() != block.hashMerkleRoot:
        raise ChainError(
            Reason.MALFORMED_ANSWER, f"block {expected_hash}: transactions do not match its header"
        )
    return block


def parse_header(raw_hex: str, expected_hash: str, net: Network) -> CBlockHeader:
    return _parse(CBlockHeader, raw_hex, expected_hash, net)


def _parse(cls: type[T], raw_hex: str, expected_hash: str, net: Network) -> T:
    what = "block" if cls is CBlock else "header"
    try:
        parsed = cls.deserialize(bytes.fromhex(raw_hex))
    except (TypeError, ValueError, SerializationError, DeserializationExtraDataError) as e:
        raise ChainError(
            Reason.MALFORMED_ANSWER, f"{what} {expected_hash} does not parse: {e}"
        ) from None
    got = b2lx(parsed.GetHash())
    if got != expected_hash:
        raise ChainError(
            Reason.MALFORMED_ANSWER, f"asked for {what} {expected_hash}, got one hashing to {got}"
        )
    # python-bitcoinlib's CheckProofOfWork reads the limit from its process-wide
    # network global, so the same two comparisons are made here per network.
    target = uint256_from_compact(parsed.nBits)
    if not 0 < target <= net.pow_limit or uint256_from_str(parsed.GetHash()) > target:
        raise ChainError(Reason.MALFORMED_ANSWER, f"{what} {expected_hash}: proof of work fails")
    return parsed


class ChainCheck:
    """Fed headers (or blocks) in height order: each must name the one before as its
    prev-hash, and `finish` wants the last to be the pinned block."""

    def __init__(self) -> None:
        self._last: CBlockHeader | None = None

    def add(self, header: CBlockHeader) -> None:
        prev = self._last
        if prev is not None and header.hashPrevBlock != prev.GetHash():
            raise ChainError(
                Reason.REORG,
                f"block {b2lx(header.GetHash())} does not follow {b2lx(prev.GetHash())}: "
                "the node's chain changed during the read",
            )
        self._last = header

    def finish(self, pinned_hash: str) -> None:
        last = b2lx(self._last.GetHash()) if self._last is not None else None
        if last != pinned_hash:
            raise ChainError(
                Reason.REORG, f"the range ends at {last}, not at the pinned {pinned_hash}"
            )
