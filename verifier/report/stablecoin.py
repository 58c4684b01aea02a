"""The report of a stablecoin issuer's verification: what was read on every chain,
each reserve asset and whether it counted, every check, and what was not checked.
Its JSON is the machine format (`schemas/stablecoin-report.schema.json`); the
terminal and HTML renderers read the same model. Figures are decimal text in whole
tokens or whole units of the peg currency, exact unless marked '...'."""

from datetime import date
from fractions import Fraction
from importlib.metadata import version
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from verifier.i18n import N_
from verifier.models.attestation import ChainPoint, Exchange
from verifier.models.check import Status, overall
from verifier.models.numbers import IntegerString, format_truncated
from verifier.models.stablecoin import IssuerType
from verifier.reconcile.observations import Unknown
from verifier.reconcile.show import decimal
from verifier.reconcile.stablecoin import (
    StablecoinReconciliation,
    minor_digits,
    treasury_keys,
)
from verifier.report.build import flatten, policy_info
from verifier.report.model import PolicyInfo, ReportCheck

_FROZEN = ConfigDict(extra="forbid", frozen=True)

NOT_CHECKED = [
    N_(
        "The reserve assets themselves: their existence, amounts and custody were not "
        "confirmed with the banks, trustees or custodians (nothing on chain shows them)."
    ),
    N_(
        "Encumbrance of the reserves (pledged, lent or rehypothecated) and their market "
        "value: amounts are taken at face value as declared."
    ),
    N_("Redemption at par on request: a snapshot shows the reserves, not that holders are paid."),
    N_(
        "Chains on which the token is issued but that the attestation does not list: the "
        "supply read is the supply on the chains listed."
    ),
]


class SupplyLine(BaseModel):
    """One chain's read, in whole tokens; None where the chain could not be read."""

    model_config = _FROZEN

    chain: str
    contract: str
    decimals: int
    height: int
    block_hash: str
    status: Status
    total_supply: str | None
    treasury: str | None  # held by proven treasuries: subtracted
    treasury_unproven: str | None  # held by treasuries whose proof did not pass: not subtracted
    burned: str | None  # held by burn addresses: subtracted
    outstanding: str | None


class ReserveLine(BaseModel):
    """One declared reserve asset, in whole units of its currency."""

    model_config = _FROZEN

    index: int
    type: str
    category: str
    amount: str
    amount_minor: IntegerString
    currency: str
    custodian: str
    as_of: date
    maturity: date | None
    days_to_maturity: int | None  # from the snapshot's date
    collateral: str | None
    eligible: bool
    reason: str  # why it does not count; "" when it does


class StablecoinReport(BaseModel):
    model_config = _FROZEN

    format: Literal["por-stablecoin-report-v1"] = "por-stablecoin-report-v1"
    tool: str
    issuer: Exchange
    issuer_type: IssuerType
    symbol: str
    peg_currency: str
    snapshot_id: str
    snapshot_time: AwareDatetime
    chains: list[ChainPoint]
    policy: PolicyInfo
    verdict: Status
    scope: list[str]
    supply: list[SupplyLine]
    outstanding: str | None  # whole units of the peg currency, all chains
    reserves: list[ReserveLine]
    eligible: str
    ineligible: str  # in the peg currency; assets in another currency are only named
    coverage: str | None  # eligible / outstanding, cut to 6 decimals
    checks: list[ReportCheck]
    not_checked: list[str]
    limitations: list[str]


def build_stablecoin_report(rec: StablecoinReconciliation, *, source: str) -> StablecoinReport:
    """`source`: where the chain answers came from (nodes named, or a bundle)."""
    att = rec.attestation
    entries, top, _ = flatten(rec.checks)
    scale = Fraction(1, 10**rec.minor_digits)
    keys = treasury_keys(att)
    supply = []
    by_id = {r.id: r for r in top}
    for c in rec.chains:
        d = c.deployment
        point = att.snapshot.point(d.chain)
        assert point is not None
        parts = c.held_out(keys[d.chain])

        def tokens(units: int | None, d: int = d.decimals) -> str | None:
            return None if units is None else decimal(Fraction(units, 10**d))

        supply.append(
            SupplyLine(
                chain=d.chain,
                contract=d.contract,
                decimals=d.decimals,
                height=point.height,
                block_hash=point.block_hash,
                status=by_id[f"supply.{d.chain}"].status,
                total_supply=tokens(None if c.read is None else c.read.total_supply),
                treasury=tokens(None if parts is None else parts[0]),
                treasury_unproven=tokens(None if parts is None else parts[2]),
                burned=tokens(None if parts is None else parts[1]),
                outstanding=tokens(c.outstanding(keys[d.chain])),
            )
        )
    owed = None if isinstance(rec.outstanding, Unknown) else rec.outstanding
    # in the peg currency: an asset in another currency is named, not added
    ineligible = sum(
        x.asset.amount
        for x in rec.assets
        if not x.eligible and x.asset.currency == att.token.peg_currency
    )
    chains = ", ".join(f"{p.chain} #{p.height}" for p in att.snapshot.chains)
    scope = [
        N_(
            "Liabilities: {symbol}'s supply read on {chains} from {source}: totalSupply less "
            "the balances of {treasuries} treasury and {burns} burn addresses; 1 {symbol} = "
            "1 {currency}."
        ).format(
            symbol=att.token.symbol,
            chains=chains,
            source=source,
            treasuries=len(att.treasuries),
            burns=len(att.burn_addresses),
            currency=att.token.peg_currency,
        ),
        N_(
            "Treasuries: each proven by a signature over the por-ownership:v1 message for "
            "this issuer and snapshot; a treasury not proven is not subtracted."
        ),
        N_(
            "Reserves: {count} assets as the issuer declares them, each judged eligible or "
            "not by the policy's terms for a {type} issuer (type, currency, maturity from the "
            "snapshot's date, repo collateral, date of the figure)."
        ).format(count=len(att.reserves), type=att.issuer_type),
    ]
    return StablecoinReport(
        tool=f"por-verifier {version('por-verifier')}",
        issuer=att.issuer,
        issuer_type=att.issuer_type,
        symbol=att.token.symbol,
        peg_currency=att.token.peg_currency,
        snapshot_id=att.snapshot.id,
        snapshot_time=att.snapshot.time,
        chains=att.snapshot.chains,
        policy=policy_info(rec.policy, att.policy),
        verdict=overall(top),
        scope=scope,
        supply=supply,
        outstanding=None if owed is None else decimal(owed * scale),
        reserves=[
            ReserveLine(
                index=i,
                type=x.asset.type,
                category=x.asset.category,
                amount=decimal(Fraction(x.asset.amount, 10 ** minor_digits(x.asset.currency))),
                amount_minor=str(x.asset.amount),
                currency=x.asset.currency,
                custodian=x.asset.custodian,
                as_of=x.asset.as_of,
                maturity=x.asset.maturity,
                days_to_maturity=x.days,
                collateral=x.asset.collateral,
                eligible=x.eligible,
                reason=x.reason,
            )
            for i, x in enumerate(rec.assets)
        ],
        eligible=decimal(rec.eligible_total * scale),
        ineligible=decimal(ineligible * scale),
        coverage=format_truncated(Fraction(rec.eligible_total) / owed, 6) if owed else None,
        checks=entries,
        not_checked=NOT_CHECKED,  # the policy's own are in policy.not_checked
        limitations=[
            N_("This is not an audit of financial statements and expresses no opinion on them."),
        ],
    )
