"""A pinned snapshot and the results every chain adapter returns.

An adapter answers with `Balances` only when every read was pinned to the
snapshot's block hash and the node still had that block at that height with
enough confirmations. Anything else is a named `Inconclusive` (the reads could
not be trusted or did not happen) or a `Failed` (answers were proven wrong: a
proof that does not verify, two endpoints that disagree). Neither carries a
balance, so no caller can mistake a partial read for a verdict.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class SnapshotError(ValueError):
    """The text is not HEIGHT:HASH; the message says which part is wrong."""


@dataclass(frozen=True)
class Snapshot:
    """A height plus the block hash expected there, as the chain writes it.

    Ethereum hashes carry a 0x prefix and Bitcoin's are the display (reversed)
    hex without one; both are kept lower-case so comparisons are exact.
    """

    height: int
    block_hash: str

    @classmethod
    def parse(cls, text: str, *, prefix: str = "") -> "Snapshot":
        """Parse "HEIGHT:HASH"; `prefix` is "0x" for Ethereum, "" for Bitcoin."""
        height, colon, given = text.strip().partition(":")
        if not colon or not height.isascii() or not height.isdigit():
            raise SnapshotError(f"{text!r} is not HEIGHT:HASH")
        block_hash = given.lower()
        if prefix and not block_hash.startswith(prefix):
            block_hash = prefix + block_hash
        digits = block_hash[len(prefix) :]
        if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
            raise SnapshotError(f"{given!r} is not a 32-byte hex block hash")
        return cls(int(height), block_hash)

    def __str__(self) -> str:
        return f"{self.height}:{self.block_hash}"


class Reason(StrEnum):
    """Why no balance came out. The codes are stable: reports and tests match on them."""

    REORG = "reorg"
    WRONG_CHAIN = "wrong-chain"
    NOT_ENOUGH_CONFIRMATIONS = "not-enough-confirmations"
    NODE_BEHIND = "node-behind"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate-limited"
    RPC_ERROR = "rpc-error"
    MALFORMED_ANSWER = "malformed-answer"
    TRUNCATED_BATCH = "truncated-batch"
    UNREACHABLE = "unreachable"
    NOT_IN_EVIDENCE = "not-in-evidence"
    # The two below mean an answer was shown to be false, so the check fails.
    CROSS_CHECK_MISMATCH = "cross-check-mismatch"
    PROOF_INVALID = "proof-invalid"


FAILING_REASONS = frozenset({Reason.CROSS_CHECK_MISMATCH, Reason.PROOF_INVALID})


@dataclass(frozen=True)
class AddressBalance:
    address: str
    balance: int  # base units (satoshi, wei, token units)


@dataclass(frozen=True)
class Balances:
    """Every requested address's balance at the snapshot, in request order."""

    snapshot: Snapshot
    asset: str
    balances: tuple[AddressBalance, ...]

    @property
    def total(self) -> int:
        return sum(b.balance for b in self.balances)


@dataclass(frozen=True)
class Inconclusive:
    """The reads could not run or could not be trusted; says nothing about the balances."""

    reason: Reason
    message: str
    verdict = "inconclusive"


@dataclass(frozen=True)
class Failed:
    """An answer was proven false (bad proof, endpoints disagree)."""

    reason: Reason
    message: str
    verdict = "fail"


BalancesResult = Balances | Inconclusive | Failed


class ChainError(Exception):
    """Raised inside adapters; the adapter's entry point turns it into a result."""

    def __init__(self, reason: Reason, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(f"{reason}: {message}")

    def result(self) -> Inconclusive | Failed:
        if self.reason in FAILING_REASONS:
            return Failed(self.reason, self.message)
        return Inconclusive(self.reason, self.message)


def cross_check(primary: BalancesResult, secondary: BalancesResult) -> BalancesResult:
    """Both endpoints must give the same balance for every address.

    A primary without balances wins as is; a secondary without balances makes the
    whole read inconclusive (the cross-check asked for could not be done).
    """
    if not isinstance(primary, Balances):
        return primary
    if not isinstance(secondary, Balances):
        return type(secondary)(secondary.reason, f"cross-check endpoint: {secondary.message}")
    if secondary.snapshot != primary.snapshot or secondary.asset != primary.asset:
        return Failed(Reason.CROSS_CHECK_MISMATCH, "the endpoints answered for different reads")
    theirs = {b.address: b.balance for b in secondary.balances}
    for mine in primary.balances:
        other = theirs.get(mine.address)
        if other != mine.balance:
            return Failed(
                Reason.CROSS_CHECK_MISMATCH,
                f"{mine.address}: {mine.balance} from the primary endpoint, "
                f"{other} from the cross-check endpoint",
            )
    return primary


def balances(snapshot: Snapshot, asset: str, pairs: Iterable[tuple[str, int]]) -> Balances:
    """Build a `Balances`, refusing a negative amount (no chain has one)."""
    items = tuple(AddressBalance(a, v) for a, v in pairs)
    for item in items:
        if item.balance < 0:
            raise ChainError(Reason.MALFORMED_ANSWER, f"{item.address}: negative balance")
    return Balances(snapshot, asset, items)
