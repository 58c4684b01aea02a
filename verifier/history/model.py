"""One stored report as the history compares it: the figures per asset, the reserve
lines and the wallets, in exact numbers (base units as integers, ratios and money as
the report's decimal text), with the report named the way every listing names it.

These are plain frozen dataclasses rather than the report model because the history
reads them back from its database, not from a report file, and needs only this part
of a report."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from chains.addresses import normalize
from chains.names import ChainRef, identity
from verifier.errors import InputError
from verifier.report.json_report import render_json
from verifier.report.model import AssetLine, Report, Window

ABSENT = "-"  # how a listing shows a figure a report does not carry or could not establish


@dataclass(frozen=True)
class AssetPoint:
    symbol: str
    decimals: int
    liabilities: int  # base units
    held: int | None  # verified customer holdings, base units; None when unknown
    coverage: str | None  # as the report states it (cut to 6 decimals)
    cold_share: str | None  # as the report states it (cut to 6 decimals)
    # The lowest coverage over the blocks around the snapshot, as the report states it
    # (cut to 6 decimals); None when the report read no window or could not establish it.
    window_min_coverage: str | None

    @property
    def exact_coverage(self) -> Fraction | None:
        """held / liabilities, exact: two reports' coverages are compared with this, not
        with the cut text, so a fall smaller than the sixth decimal is still seen."""
        if self.held is None or self.liabilities == 0:
            return None
        return Fraction(self.held, self.liabilities)


@dataclass(frozen=True)
class ReservePoint:
    check: str
    required: str | None  # in the reporting currency, the report's decimal text
    available: str | None


@dataclass(frozen=True)
class WalletPoint:
    chain: str
    locator: str
    role: str
    ownership_class: str
    balances: dict[str, int | None]  # symbol -> base units; None when unread

    @property
    def key(self) -> tuple[ChainRef | str, str]:
        """The wallet as two reports (or two exchanges) would both name it: its chain
        however spelled (`evm:base` is `ethereum:8453`) and its address, compared
        case-insensitively where the format is."""
        return (identity(self.chain), normalize(self.locator))


@dataclass(frozen=True)
class Entry:
    digest: str  # SHA-256 of the report's canonical JSON: its identity in the history
    exchange_id: str
    exchange_name: str
    snapshot_id: str
    snapshot_time: datetime
    verdict: str
    policy: str
    reporting_currency: str
    source: str  # the file it was first added from
    assets: tuple[AssetPoint, ...]
    reserves: tuple[ReservePoint, ...]
    wallets: tuple[WalletPoint, ...]

    @property
    def name(self) -> str:
        """How listings name the report: the exchange, its snapshot and the digest's
        start, which tells apart two reports of one snapshot."""
        return f"{self.exchange_id} {self.snapshot_id} ({self.digest[:12]})"

    def asset(self, symbol: str) -> AssetPoint | None:
        return next((a for a in self.assets if a.symbol == symbol), None)


def report_digest(report: Report) -> str:
    """The digest of the report as `por verify` writes it: the same report added from
    a copy, or re-indented, is the same entry."""
    return hashlib.sha256(render_json(report).encode()).hexdigest()


def _base_units(whole: str, decimals: int, source: str, field: str) -> int:
    """A report's whole-unit decimal text in base units. `por verify` writes them
    exactly, so a finer figure is a report that was edited, refused by its field."""
    value = Fraction(whole) * 10**decimals
    if value.denominator != 1:
        raise InputError(source, field, f"has more than the asset's {decimals} decimals")
    return value.numerator


def _asset_point(a: AssetLine, window: Window | None, source: str, field: str) -> AssetPoint:
    line = (
        None if window is None else next((w for w in window.assets if w.symbol == a.symbol), None)
    )
    return AssetPoint(
        symbol=a.symbol,
        decimals=a.decimals,
        liabilities=_base_units(a.liabilities, a.decimals, source, f"{field}.liabilities"),
        held=None
        if a.customer_total is None
        else _base_units(a.customer_total, a.decimals, source, f"{field}.customer_total"),
        coverage=a.coverage,
        cold_share=a.cold_share,
        window_min_coverage=None if line is None else line.min_coverage,
    )


def entry_of(report: Report, source: str) -> Entry:
    """The history's view of `report`, first added from the file `source` (named in
    the error when a figure is not what `por verify` writes)."""
    return Entry(
        digest=report_digest(report),
        exchange_id=report.exchange.id,
        exchange_name=report.exchange.name,
        snapshot_id=report.snapshot.id,
        snapshot_time=report.snapshot.time,
        verdict=report.verdict.value,
        policy=report.policy.id,
        reporting_currency=report.reporting_currency,
        source=source,
        assets=tuple(
            _asset_point(a, report.window, source, f"assets[{i}]")
            for i, a in enumerate(report.assets)
        ),
        reserves=tuple(ReservePoint(r.check, r.required, r.available) for r in report.reserves),
        wallets=tuple(
            WalletPoint(
                chain=w.chain,
                locator=w.locator,
                role=w.role,
                ownership_class=w.ownership_class,
                balances={s: None if b is None else int(b) for s, b in w.balances.items()},
            )
            for w in report.wallets
        ),
    )
