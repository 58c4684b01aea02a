"""summary.json of an administrator's return plan (`por administer plan`).

Amounts are integers in base units as decimal text (an asset's smallest unit; the
reporting currency's smallest unit for fiat), so that the figures add up exactly
and read the same in any language."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from verifier.models.numbers import Hex32, IntegerText

# plan.parquet and plan.csv: one row per account and asset, every cell text; amounts
# in base units (fiat_topup in the reporting currency's smallest unit)
PLAN_COLUMNS = ("account_id", "asset", "claim", "paid_in_kind", "fiat_topup")

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class AssetSummary(BaseModel):
    model_config = _STRICT

    symbol: str
    decimals: int
    claims: IntegerText  # the tree's liabilities in this asset
    verified_holdings: IntegerText  # customer cold + hot as the report counted them
    holdings_counted_as_zero: list[str]  # the parts the report could not establish
    distributable: IntegerText  # min(verified holdings, claims)
    ratio: str | None  # distributable / claims, exact unless marked '...'; None: no claims
    paid_in_kind: IntegerText
    residue: IntegerText  # distributable - paid in kind: zero, shown so that it is checked
    shortfall: IntegerText  # claims - paid in kind
    price: str | None  # one whole unit in the reporting currency, from the report
    shortfall_value: IntegerText  # the claims' shortfalls valued, each rounded down
    fiat_topup: IntegerText  # what the reserve pays towards them


class ReserveSummary(BaseModel):
    model_config = _STRICT

    rule: Literal["pro-rata", "smallest-first"]
    source: str  # where the reserve figure came from, or why it is zero
    counted: IntegerText  # the reserve, rounded down to the currency's smallest unit
    used: IntegerText
    left: IntegerText  # counted - used
    unmet: IntegerText  # shortfall values the reserve could not make up


class PlanSummary(BaseModel):
    model_config = _STRICT

    format: Literal["por-administer-plan-v1"] = "por-administer-plan-v1"
    plan_id: str  # the entitlement tree's snapshot id
    liability_root_commitment: Hex32
    entitlement_root_commitment: Hex32
    accounts: int
    currency: str
    currency_decimals: int
    assets: list[AssetSummary]
    reserve: ReserveSummary
