"""The report's content, the same for every renderer; its JSON is the machine format
(`schemas/report.schema.json`). Figures are decimal text, exact unless marked '...'."""

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from verifier.models.attestation import ChainPoint, Exchange
from verifier.models.check import Status
from verifier.models.numbers import DecimalString, IntegerString

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class ReportCheck(BaseModel):
    model_config = _FROZEN

    id: str
    status: Status
    reason: str
    expected: Any
    actual: Any
    evidence: Any
    method: str
    parent: str | None  # the composite check this one is a part of
    depth: int


class ChainLine(BaseModel):
    """One chain's part of an asset line, in whole units; None where unknown."""

    model_config = _FROZEN

    chain: str
    customer_cold: str | None
    customer_hot: str | None
    customer_total: str | None
    own_cold: str | None
    own_hot: str | None
    # What was read as the asset there: its native balance, a token, and for a wrapped
    # or bridged token the attestation mapped onto a native asset, that it did.
    held_as: list[str]
    mapped: bool  # a wrapped or bridged token counts as the asset here, by that mapping


class AssetLine(BaseModel):
    """One asset, in whole units of it; None where a figure could not be established."""

    model_config = _FROZEN

    symbol: str
    decimals: int = Field(ge=0, le=36)  # as the asset's spec bounds it
    price: str | None  # of one whole unit, in the reporting currency
    liabilities: DecimalString
    customer_cold: str | None
    customer_hot: str | None
    customer_total: DecimalString | None
    own_cold: str | None
    own_hot: str | None
    coverage: DecimalString | None  # customer_total / liabilities, cut to 6 decimals
    surplus: str | None  # customer_total - liabilities; negative is a shortfall
    surplus_value: str | None  # the same in the reporting currency
    cold_share: DecimalString | None  # customer_cold / customer_total, cut to 6 decimals
    chains: list[ChainLine]  # each chain's part, in the snapshot's order of chains

    @property
    def split(self) -> bool:
        """Whether a renderer shows a row per chain: the asset is held on several
        chains, or a token counts as it there by the attestation's mapping."""
        return len(self.chains) > 1 or any(c.mapped for c in self.chains)


class WalletLine(BaseModel):
    """One wallet as read at the snapshot: what a later report is compared against
    (a wallet gone, a balance that fell) and what another exchange's report may also
    claim. Balances in base units as integer text; None where unread."""

    model_config = _FROZEN

    chain: str
    locator: str  # the address, or "script:<hex>"
    role: Literal["cold", "hot"]
    ownership_class: Literal["customer", "own"]
    balances: dict[str, IntegerString | None]


# An amount of the reporting currency as `reconcile.show.decimal` writes it: exact, or
# cut to 8 places and marked '...' when its expansion does not end.
Amount = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)?(\.\.\.)?$")]


class ReserveLine(BaseModel):
    model_config = _FROZEN

    check: str
    status: Status
    required: Amount | None
    cash: Amount | None
    insurance: Amount | None
    available: Amount | None


class FigureLine(BaseModel):
    """One figure the policy applied, how firm it is and where it comes from."""

    model_config = _FROZEN

    rule: str
    field: str
    value: str
    status: Literal["law", "guidance", "proposal", "assumption"]
    source: str


class PolicyInfo(BaseModel):
    model_config = _FROZEN

    id: str
    title: str
    status: str
    source: str
    claimed: str  # the policy the attestation says it meets
    sources: list[str]
    assumptions: list[str]
    # Reports from before these fields existed have neither: they read as empty.
    not_checked: list[str] = []
    figures: list[FigureLine] = []


class SnapshotInfo(BaseModel):
    model_config = _FROZEN

    id: str
    time: AwareDatetime
    chains: list[ChainPoint]
    liability_root_commitment: str
    # As the exchange declares it: the root commitment does not bind the count.
    account_count_declared: int


class WindowPoint(BaseModel):
    """Customer holdings of one asset on one chain after one block, whole units."""

    model_config = _FROZEN

    height: int = Field(ge=0)
    block_hash: str
    customer_total: str | None  # None: the block could not be read


class WindowChain(BaseModel):
    """One chain's part of an asset's window."""

    model_config = _FROZEN

    chain: str
    snapshot_height: int = Field(ge=0)
    at_snapshot: str | None
    first: int | None  # the window's first and last block; None when it was not fixed
    last: int | None
    seed: str | None  # hex, the sample heights were drawn from
    seed_source: str | None  # "last-block" (its hash) or "given" (--seed)
    reason: str | None  # why the window could not be read on this chain
    points: list[WindowPoint]  # the first block, the samples, the last block, ascending


class WindowLine(BaseModel):
    """One asset across the window, whole units; None where unknown. Over several chains
    the minimum, median and maximum are sums of each chain's (its samples are at other
    moments): the minimum is then a lower bound of the asset's lowest holdings."""

    model_config = _FROZEN

    symbol: str
    liabilities: DecimalString
    at_snapshot: DecimalString | None
    minimum: DecimalString | None
    median: DecimalString | None
    maximum: DecimalString | None
    min_coverage: DecimalString | None  # minimum / liabilities, cut to 6 decimals
    inflow_before: DecimalString | None  # snapshot holdings less the lowest before it
    outflow_after: DecimalString | None  # snapshot holdings less the lowest after it
    chains: list[WindowChain]


class Window(BaseModel):
    model_config = _FROZEN

    spec: str  # as asked: blocks or durations before and after, samples
    rule: str  # how the sample heights were drawn from the seed
    min_coverage: DecimalString  # the policy's window_min_coverage
    max_swing: DecimalString  # the policy's window_max_swing
    assets: list[WindowLine]


class Report(BaseModel):
    model_config = _FROZEN

    format: Literal["por-report-v1"] = "por-report-v1"
    tool: str  # name and version of the verifier that wrote the report
    exchange: Exchange
    reporting_currency: str
    snapshot: SnapshotInfo
    policy: PolicyInfo
    verdict: Status
    scope: list[str]
    assets: list[AssetLine]
    reserves: list[ReserveLine]
    wallets: list[WalletLine]
    checks: list[ReportCheck]
    limitations: list[str]
    window: Window | None = None  # the blocks around the snapshot, when --window was given
