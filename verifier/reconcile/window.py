"""The window's figures and checks: were the reserves there across the blocks around
the snapshot, and not only at the snapshot block?

Per asset and chain, the verified customer holdings at each block read (the window's
first and last block, the samples, and the snapshot itself), counted exactly as at
the snapshot (the same wallets, ownership as proven for the snapshot). Across chains
an asset's minimum, median and maximum are the sums of each chain's, since two
chains' samples are not at the same moment: the summed minimum is a lower bound of
the asset's lowest holdings. The inflow before the snapshot is the snapshot's holdings
less the lowest read before it; the outflow after, the snapshot's less the lowest read
after it (both zero or more).

`window.coverage` fails when the lowest holdings are short of `window_min_coverage`
of the liabilities; `window.dressing` fails when both the inflow before and the
outflow after exceed `window_max_swing` of them. A block that could not be read makes
every figure it enters unknown, so the checks are inconclusive, never pass.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from chains.window import Block
from verifier.i18n import N_
from verifier.models.attestation import Attestation
from verifier.models.check import CheckResult, Status
from verifier.reconcile import show
from verifier.reconcile.checks import AllOf, AtLeast, Check, Given, Show
from verifier.reconcile.holdings import Position, positions
from verifier.reconcile.observations import Balance, Observations, Unknown, WalletKey
from verifier.reconcile.policy import Policy
from verifier.reconcile.quantity import Quantity, largest, middle, smallest, total

BLOCKS_METHOD = (
    "The window's first block (a number of blocks before the snapshot, or the first whose "
    "time is at or after the snapshot block's time less the duration, by binary search "
    "over headers) and last block (likewise after) are located on the node; the last "
    "must have the confirmations a snapshot needs; the sample heights are drawn from the "
    "seed by the rule named."
)
COVERAGE_METHOD = (
    "The lowest verified customer holdings read in the window (each chain's lowest, "
    "summed) against the policy's window_min_coverage x the liabilities at the snapshot."
)
DRESSING_METHOD = (
    "Net flow into the listed customer wallets before the snapshot (snapshot holdings less "
    "the lowest read before it) and out of them after (less the lowest read after it); "
    "fails when both exceed the policy's window_max_swing x the liabilities."
)


@dataclass(frozen=True)
class ChainWindow:
    """One chain's window as read; `reason` says why it could not be (then no points)."""

    chain: str
    snapshot: int
    rule: str  # the sampling rule's name
    first: int | None = None
    last: int | None = None
    seed: str | None = None  # hex
    seed_given: bool = False
    points: tuple[Block, ...] = ()  # the first block, the samples, the last block
    # height -> wallet -> asset -> base units (or why unknown)
    balances: Mapping[int, Mapping[WalletKey, Mapping[str, Balance]]] | None = None
    reason: str | None = None

    def check(self) -> CheckResult:
        """Whether the window was fixed: pass with its blocks and seed, or inconclusive."""
        check_id = f"window.blocks.{self.chain}"
        if self.reason is not None:
            return CheckResult(id=check_id, status=Status.INCONCLUSIVE, reason=self.reason)
        source = "given" if self.seed_given else f"the hash of block #{self.last}"
        return CheckResult(
            id=check_id,
            status=Status.PASS,
            reason=f"blocks #{self.first}..#{self.last} around #{self.snapshot}: "
            f"{len(self.points)} read (first, last and samples); seed {self.seed} "
            f"({source}), rule {self.rule}",
            actual=[p.height for p in self.points],
            evidence={"seed": self.seed, "blocks": {p.height: p.block_hash for p in self.points}},
        )


@dataclass(frozen=True)
class ChainSeries:
    """One asset on one chain: holdings at each block read, the snapshot's among them."""

    chain: str
    snapshot: int
    points: tuple[tuple[int, str, Quantity], ...]  # height, block hash, customer holdings
    at_snapshot: Quantity
    reason: str | None  # why there are no points

    def _all(self, pick: str = "") -> list[Quantity]:
        if self.reason is not None:
            return [
                Unknown(
                    N_("window on {chain}: {reason}").format(chain=self.chain, reason=self.reason)
                )
            ]
        chosen = [
            q
            for h, _, q in self.points
            if not pick or (h < self.snapshot if pick == "before" else h > self.snapshot)
        ]
        return [self.at_snapshot, *chosen]

    @property
    def lowest(self) -> Quantity:
        return smallest(self._all())

    @property
    def highest(self) -> Quantity:
        return largest(self._all())

    @property
    def median(self) -> Quantity:
        return middle(self._all())

    def flow(self, side: str) -> Quantity:
        """In before the snapshot (`side` "before") or out after it ("after")."""
        low = smallest(self._all(side))
        return total([self.at_snapshot, -low]) if not isinstance(low, Unknown) else low


@dataclass(frozen=True)
class WindowAsset:
    position: Position  # the asset at the snapshot
    chains: tuple[ChainSeries, ...]

    @property
    def minimum(self) -> Quantity:
        return total(c.lowest for c in self.chains)

    @property
    def median(self) -> Quantity:
        return total(c.median for c in self.chains)

    @property
    def maximum(self) -> Quantity:
        return total(c.highest for c in self.chains)

    @property
    def inflow(self) -> Quantity:
        return total(c.flow("before") for c in self.chains)

    @property
    def outflow(self) -> Quantity:
        return total(c.flow("after") for c in self.chains)


def window_assets(
    att: Attestation, obs: Observations, at_snapshot: list[Position], windows: Sequence[ChainWindow]
) -> list[WindowAsset]:
    """Each asset's series, counted per block with the snapshot's wallets and ownership."""
    by_chain = {w.chain: w for w in windows}
    counted: dict[tuple[str, int], list[Position]] = {}
    for w in windows:
        for b in w.points:
            assert w.balances is not None
            read = w.balances[b.height]
            seen = Observations(
                {k: replace(o, balances=read.get(k, {})) for k, o in obs.wallets.items()}
            )
            counted[(w.chain, b.height)] = positions(att, seen)
    out = []
    for i, p in enumerate(at_snapshot):
        series = []
        for c in p.chains:
            if c.chain not in by_chain:
                continue
            w = by_chain[c.chain]
            points = tuple(
                (b.height, b.block_hash, _part(counted[(w.chain, b.height)][i], c.chain))
                for b in w.points
            )
            series.append(ChainSeries(c.chain, w.snapshot, points, c.customer, w.reason))
        out.append(WindowAsset(p, tuple(series)))
    return out


def _part(p: Position, chain: str) -> Quantity:
    return next(c.customer for c in p.chains if c.chain == chain)


class Dressing(Check):
    """Fails when both the inflow before and the outflow after exceed the limit."""

    def __init__(self, id: str, inflow: Quantity, outflow: Quantity, limit: Fraction, fmt: Show):
        self.id, self.method = id, DRESSING_METHOD
        self.inflow, self.outflow, self.limit, self.fmt = inflow, outflow, limit, fmt

    def verify(self) -> CheckResult:
        expected = f"not both in before and out after > {self.fmt(self.limit)}"
        unknown = [q.reason for q in (self.inflow, self.outflow) if isinstance(q, Unknown)]
        if unknown:
            return CheckResult(
                id=self.id,
                status=Status.INCONCLUSIVE,
                reason="cannot compare: " + "; ".join(unknown),
                expected=expected,
            )
        assert not isinstance(self.inflow, Unknown) and not isinstance(self.outflow, Unknown)
        actual = f"in {self.fmt(self.inflow)} before, out {self.fmt(self.outflow)} after"
        dressed = self.inflow > self.limit and self.outflow > self.limit
        reason = (
            f"{self.fmt(self.inflow)} came in before the snapshot and {self.fmt(self.outflow)} "
            f"left after it, both above {self.fmt(self.limit)}"
            if dressed
            else ""
        )
        return CheckResult(
            id=self.id,
            status=Status.FAIL if dressed else Status.PASS,
            reason=reason,
            expected=expected,
            actual=actual,
        )


def window_checks(
    assets: Sequence[WindowAsset], windows: Sequence[ChainWindow], policy: Policy
) -> list[Check]:
    """window.blocks.<chain> per chain, then window.coverage and window.dressing."""
    coverage: list[Check] = []
    dressing: list[Check] = []
    for a in assets:
        p = a.position
        fmt = show.units(p.asset)
        evidence: dict[str, Any] = {"chains": [c.chain for c in a.chains]}
        coverage.append(
            AtLeast(
                f"window.coverage.{p.asset.symbol}",
                COVERAGE_METHOD,
                a.minimum,
                policy.window_min_coverage * p.liabilities,
                fmt,
                evidence,
            )
        )
        limit = policy.window_max_swing * p.liabilities
        dressing.append(
            Dressing(f"window.dressing.{p.asset.symbol}", a.inflow, a.outflow, limit, fmt)
        )
    return [
        *(Given(w.check(), BLOCKS_METHOD) for w in windows),
        AllOf("window.coverage", coverage, COVERAGE_METHOD),
        AllOf("window.dressing", dressing, DRESSING_METHOD),
    ]
