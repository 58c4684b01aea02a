"""What the history finds in stored reports: what got worse from one attestation of an
exchange to its next, and addresses that two exchanges both claim.

Worse, between a report and the next one of the same exchange (snapshot order):
- coverage fell: an asset's verified holdings / liabilities is lower (compared
  exactly, from base units, not from the report's 6-decimal text), or could no
  longer be established;
- wallet gone: a wallet (chain and address) is no longer listed at all, or no longer
  for an asset it held before;
- balance left: a wallet still listed holds less than half of what it held at the
  earlier snapshot (both balances read). Coins that leave right after a snapshot
  are seen at the next one; the window of blocks around the snapshot would see
  them leave within hours, but no report carries the window yet.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import combinations, pairwise

from chains.names import ChainRef
from verifier.history.model import AssetPoint, Entry, WalletPoint
from verifier.models.numbers import format_decimal, format_truncated

# A balance below this share of the wallet's earlier balance has "left".
LEFT_BELOW = Fraction(1, 2)
# Ratios are shown cut to this many places, more where two would otherwise read alike.
PLACES = 6
MAX_PLACES = 30


class Kind(StrEnum):
    COVERAGE_FELL = "coverage fell"
    WALLET_GONE = "wallet gone"
    BALANCE_LEFT = "balance left"


@dataclass(frozen=True)
class Regression:
    kind: Kind
    earlier: Entry
    later: Entry
    subject: str  # the asset, or the wallet
    before: str
    after: str


def regressions(entries: Sequence[Entry]) -> list[Regression]:
    """What got worse between each report and the next, `entries` being one exchange's
    reports oldest first."""
    return [r for earlier, later in pairwise(entries) for r in compare(earlier, later)]


def compare(earlier: Entry, later: Entry) -> list[Regression]:
    found = [r for a in earlier.assets for r in _coverage(earlier, later, a)]
    now = {w.key: w for w in later.wallets}
    for w in earlier.wallets:
        found += _wallet(earlier, later, w, now.get(w.key))
    return found


def _coverage(earlier: Entry, later: Entry, a: AssetPoint) -> list[Regression]:
    before = a.exact_coverage
    now = later.asset(a.symbol)
    if before is None or now is None:  # nothing to fall from, or no longer owed at all
        return []
    after = now.exact_coverage
    if after is not None and after >= before:
        return []
    shown_before, shown_after = ratios(before, after)
    return [Regression(Kind.COVERAGE_FELL, earlier, later, a.symbol, shown_before, shown_after)]


def _wallet(
    earlier: Entry, later: Entry, w: WalletPoint, now: WalletPoint | None
) -> list[Regression]:
    name = f"{w.locator} on {w.chain}"
    if now is None:
        held = ", ".join(amount(earlier, s, b) for s, b in w.balances.items())
        return [Regression(Kind.WALLET_GONE, earlier, later, name, held, "not listed")]
    found = []
    for symbol, before in w.balances.items():
        subject = f"{name}, {symbol}"
        if symbol not in now.balances:
            before_text = amount(earlier, symbol, before)
            found.append(
                Regression(Kind.WALLET_GONE, earlier, later, subject, before_text, "not listed")
            )
            continue
        after = now.balances[symbol]
        if before and after is not None and after < before * LEFT_BELOW:
            found.append(
                Regression(
                    Kind.BALANCE_LEFT,
                    earlier,
                    later,
                    subject,
                    amount(earlier, symbol, before),
                    amount(later, symbol, after),
                )
            )
    return found


def amount(entry: Entry, symbol: str, units: int | None) -> str:
    """Base units of `symbol` in whole units, exact, as the entry's asset has them."""
    asset = entry.asset(symbol)
    if units is None:
        return f"unknown {symbol}"
    if asset is None:  # a wallet asset the tree does not owe: base units as they are
        return f"{units} {symbol} base units"
    return f"{format_decimal(Fraction(units, 10**asset.decimals))} {symbol}"


def ratios(before: Fraction, after: Fraction | None) -> tuple[str, str]:
    """Two ratios cut to 6 places, or to as many as it takes for them to read apart."""
    if after is None:
        return format_truncated(before, PLACES), "unknown"
    places = PLACES
    while places < MAX_PLACES and format_truncated(before, places) == format_truncated(
        after, places
    ):
        places += 1
    return format_truncated(before, places), format_truncated(after, places)


@dataclass(frozen=True)
class Overlap:
    """One address that two exchanges both claimed, with the report of each that
    claimed it nearest in time to the other's."""

    chain: str
    address: str
    first: Entry
    second: Entry
    first_reports: int  # how many stored reports of the first exchange claim it
    second_reports: int


def overlaps(entries: Sequence[Entry]) -> list[Overlap]:
    """Every address that reports of two different exchanges list, per pair of
    exchanges: the same coins counted by two entities."""
    claims: dict[tuple[ChainRef | str, str], dict[str, list[Entry]]] = {}
    first_seen: dict[tuple[ChainRef | str, str], WalletPoint] = {}
    for e in entries:
        for w in e.wallets:
            first_seen.setdefault(w.key, w)
            by_exchange = claims.setdefault(w.key, {})
            listed = by_exchange.setdefault(e.exchange_id, [])
            if not listed or listed[-1] is not e:  # a report listing an address twice
                listed.append(e)
    found = []
    for key, by_exchange in claims.items():
        seen = first_seen[key]
        for x, y in combinations(sorted(by_exchange), 2):
            a, b = _nearest(by_exchange[x], by_exchange[y])
            found.append(
                Overlap(seen.chain, seen.locator, a, b, len(by_exchange[x]), len(by_exchange[y]))
            )
    found.sort(key=lambda o: (o.chain, o.address, o.first.exchange_id, o.second.exchange_id))
    return found


def _nearest(xs: list[Entry], ys: list[Entry]) -> tuple[Entry, Entry]:
    """The two reports, one of each list, whose snapshots are closest in time (the
    latest such pair on a tie): the likeliest double count of the same coins."""
    latest_first = ((a, b) for a in reversed(xs) for b in reversed(ys))
    return min(latest_first, key=lambda p: abs(p[0].snapshot_time - p[1].snapshot_time))
