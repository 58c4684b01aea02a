"""Per asset: what the exchange owes its customers and what it verifiably holds, split
by wallet role and ownership class, in base units; and valuation in the reporting
currency at the attestation's (or the auditor's) prices."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from chains.addresses import normalize
from verifier.i18n import N_
from verifier.models.asset import AssetSpec
from verifier.models.attestation import Attestation, AveragePrices, Wallet
from verifier.reconcile.calendar import add_years
from verifier.reconcile.observations import (
    Balance,
    Observations,
    OwnershipStatus,
    Unknown,
    WalletKey,
)
from verifier.reconcile.policy import Averaging
from verifier.reconcile.quantity import Quantity, product, total


@dataclass(frozen=True)
class Held:
    """Verified holdings of one asset, by ownership class and wallet role."""

    customer_cold: Quantity
    customer_hot: Quantity
    own_cold: Quantity
    own_hot: Quantity

    @property
    def customer(self) -> Quantity:
        return total([self.customer_cold, self.customer_hot])


@dataclass(frozen=True, kw_only=True)
class ChainHeld(Held):
    """One chain's part of a position: an asset held on several chains (USDC on
    Ethereum and on Base) is one position, and this says what each chain adds."""

    chain: str


@dataclass(frozen=True, kw_only=True)
class Position(Held):
    """One asset: what is owed, what is held in all, and each chain's part."""

    asset: AssetSpec
    liabilities: int
    chains: tuple[ChainHeld, ...]


def wallet_key(w: Wallet) -> WalletKey:
    return (w.chain, w.locator)


def distinct_wallets(att: Attestation) -> list[Wallet]:
    """Each address once, at its first listing: a repeat must not be counted twice
    (the repeat itself fails the integrity checks)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for w in att.wallets:
        key = (w.chain, normalize(w.locator))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def contribution(w: Wallet, symbol: str, obs: Observations) -> Balance:
    """What wallet `w` adds to the verified holdings of `symbol`.

    A wallet whose ownership proof failed adds nothing (its own check fails); one whose
    proof or balance could not be checked adds an unknown amount.
    """
    o = obs.get(wallet_key(w))
    if o is None:
        return Unknown(N_("no balances read for {wallet}").format(wallet=w.locator))
    if o.ownership is OwnershipStatus.FAILED:
        return 0
    if o.ownership is OwnershipStatus.INCONCLUSIVE:
        return Unknown(N_("ownership of {wallet} not established").format(wallet=w.locator))
    b = o.balances.get(symbol)
    if b is None:
        return Unknown(
            N_("no {symbol} balance read for {wallet}").format(symbol=symbol, wallet=w.locator)
        )
    if isinstance(b, Unknown):
        return Unknown(
            N_("{symbol} balance of {wallet}: {reason}").format(
                symbol=symbol, wallet=w.locator, reason=b.reason
            )
        )
    return b


def positions(att: Attestation, obs: Observations) -> list[Position]:
    wallets = distinct_wallets(att)
    totals = att.liabilities.tree.totals()
    out = []
    for asset in att.assets:
        holders = [w for w in wallets if asset.symbol in w.assets]
        on = [p.chain for p in att.snapshot.chains if any(w.chain == p.chain for w in holders)]
        by_chain = tuple(
            ChainHeld(*_held([w for w in holders if w.chain == c], asset.symbol, obs), chain=c)
            for c in on
        )
        held = _held(holders, asset.symbol, obs)
        out.append(Position(*held, asset=asset, liabilities=totals[asset.symbol], chains=by_chain))
    return out


def _held(
    wallets: list[Wallet], symbol: str, obs: Observations
) -> tuple[Quantity, Quantity, Quantity, Quantity]:
    """Customer cold and hot, own cold and hot: the fields of `Held`, in order."""
    parts: dict[tuple[str, str], list[Quantity]] = {}
    for w in wallets:
        parts.setdefault((w.ownership_class, w.role), []).append(contribution(w, symbol, obs))
    return (
        total(parts.get(("customer", "cold"), [])),
        total(parts.get(("customer", "hot"), [])),
        total(parts.get(("own", "cold"), [])),
        total(parts.get(("own", "hot"), [])),
    )


@dataclass(frozen=True)
class Prices:
    """Prices in the reporting currency of one whole unit of an asset or a currency."""

    currency: str
    table: Mapping[str, Fraction]
    kind: str = "price"  # what the table holds, as a missing price's reason names it
    # Why the whole table is unusable (averages for the wrong period), when it is.
    unusable: str | None = None

    def price(self, symbol: str) -> Quantity:
        if symbol == self.currency:
            return Fraction(1)
        if self.unusable is not None:
            return Unknown(self.unusable)
        p = self.table.get(symbol)
        if p is None:
            missing = N_("no {kind} for {symbol} in {currency}")
            return Unknown(missing.format(kind=self.kind, symbol=symbol, currency=self.currency))
        return p

    def value(self, units: Quantity, asset: AssetSpec) -> Quantity:
        """Base units of `asset` in the reporting currency."""
        return product(units, self.price(asset.symbol), Fraction(1, 10**asset.decimals))

    def convert(self, amount: Quantity, currency: str) -> Quantity:
        return product(amount, self.price(currency))


def valuation(att: Attestation, snapshot: Prices, average: Averaging | None) -> Prices:
    """The prices a rule values holdings at: the snapshot's, or the attestation's
    averages when the rule asks for them. Averages over another period than the rule's,
    or none at all, price nothing: the checks that need them are inconclusive."""
    if average is None:
        return snapshot
    kind = N_("{years}-year average price").format(years=average.years)
    given = att.average_prices
    if given is None:
        return Prices(snapshot.currency, {}, kind, N_("the attestation gives no average_prices"))
    problem = _period_problem(given, average, att.snapshot.time.date())
    return Prices(snapshot.currency, given.prices, kind, problem)


def _period_problem(given: AveragePrices, average: Averaging, snapshot_day: date) -> str | None:
    start, end = given.period_start, given.period_end
    period = N_("average_prices period {start} to {end}").format(
        start=start.isoformat(), end=end.isoformat()
    )
    if add_years(start, average.years) - timedelta(days=1) != end:
        return N_("{period} is not {years} year(s) long").format(period=period, years=average.years)
    if end > snapshot_day:
        return N_("{period} ends after the snapshot ({day})").format(
            period=period, day=snapshot_day.isoformat()
        )
    if (snapshot_day - end).days > average.max_age_days:
        return N_("{period} ends more than {days} days before the snapshot").format(
            period=period, days=average.max_age_days
        )
    return None
