"""The attestation an exchange publishes: what it owes, where it holds it, at which
snapshot, with which reserves, under which policy. This model is the file format;
`schemas/attestation.schema.json` is exported from it.

Amounts: base units of a crypto asset are integers in strings; fiat amounts, prices
and rates are decimal strings; both are parsed exactly, never through a float.
"""

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

from chains.names import ChainNameError, ChainRef, native_assets, parse_chain
from verifier.models.asset import AssetSpec
from verifier.models.numbers import DecimalText, Hex32, HexBytes, PositiveDecimalText
from verifier.models.ownership import OwnershipProof
from verifier.models.tree import TreeRoot

FORMAT = "por-attestation-v1"

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
# "bitcoin:<network>", "ethereum:<chain id>" or "evm:<registered name>", as in the
# ownership message (chains/names.py says which chain each spelling names).
Chain = Annotated[str, StringConstraints(pattern=r"^(bitcoin|ethereum|evm):[a-z0-9-]+$")]
Symbol = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Peril = Literal["hack", "operational-failure", "insolvency", "fraud", "key-loss"]
# Where money set aside for customers is held: in trust, at a bank, as a bank's
# guarantee, in an escrow account, or in a pooled arrangement shared by several firms.
HeldAt = Literal["trust", "bank", "bank-guarantee", "escrow", "pooled"]


class WrittenAsBefore(BaseModel):
    """A model that gained optional fields after files of its format were published:
    each field in `added` is written only when it is set, so that `por attest` gives an
    older attestation byte for byte."""

    added: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _as_before(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        for name in self.added:
            if getattr(self, name) is None:
                data.pop(name, None)
        return data


class Exchange(BaseModel):
    model_config = _STRICT

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
    name: Annotated[str, StringConstraints(min_length=1)]


class ChainPoint(BaseModel):
    """A block that pins a chain's state: the hash, not only the height (reorgs)."""

    model_config = _STRICT

    chain: Chain
    height: Annotated[int, Field(ge=0)]
    block_hash: Hex32


class Snapshot(BaseModel):
    model_config = _STRICT

    id: Annotated[str, StringConstraints(min_length=1)]
    time: AwareDatetime
    chains: Annotated[list[ChainPoint], Field(min_length=1)]

    def point(self, chain: str) -> ChainPoint | None:
        return next((p for p in self.chains if p.chain == chain), None)


class Liabilities(BaseModel):
    model_config = _STRICT

    tree: TreeRoot
    # Fiat the exchange owes its customers off-chain, in the reporting currency. The
    # verifier cannot check it; the report states it as out of scope.
    offchain_fiat: DecimalText | None = None


class Wallet(BaseModel):
    model_config = _STRICT

    chain: Chain
    address: Annotated[str, StringConstraints(min_length=1)] | None = None
    script: HexBytes | None = None  # a Bitcoin output script, when there is no address
    assets: Annotated[list[Symbol], Field(min_length=1)]
    role: Literal["cold", "hot"]
    # "customer": segregated customer assets; "own": the exchange's own crypto (such as
    # Japan's matching holdings for customer crypto kept hot).
    ownership_class: Literal["customer", "own"]
    first_use_height: Annotated[int, Field(ge=0)] | None = None  # Bitcoin scan start
    ownership_proof: OwnershipProof

    @model_validator(mode="after")
    def _one_locator(self) -> Self:
        if (self.address is None) == (self.script is None):
            raise ValueError("give exactly one of address and script")
        if len(set(self.assets)) != len(self.assets):
            raise ValueError("an asset is listed twice")
        return self

    @property
    def locator(self) -> str:
        """The address, or the script's hex when the wallet has no address."""
        return self.address if self.address is not None else f"script:{self.script}"


class Token(WrittenAsBefore):
    model_config = _STRICT
    added = ("counts_as_native",)

    chain: Chain
    contract: Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]
    symbol: Symbol  # the tree asset a unit of this token counts as
    decimals: Annotated[int, Field(ge=0, le=36)]
    # A token that stands for a chain's native asset (WETH for ETH, bridged ETH on BSC,
    # WBTC for BTC) counts as that asset only when the attestation says so here, and
    # the report says it did; a native symbol without this field is refused.
    counts_as_native: Literal["wrapped", "bridged"] | None = None


class Counted(NamedTuple):
    """What counts as one asset on one chain: the chain's native balance, a token, or
    both (the native coin and a wrapped form of it)."""

    native: bool
    token: Token | None


class Money(BaseModel):
    model_config = _STRICT

    amount: DecimalText
    currency: Currency


class CashReserve(WrittenAsBefore):
    model_config = _STRICT
    added = ("term_months",)

    amount: DecimalText
    currency: Currency
    held_at: HeldAt
    holder: Annotated[str, StringConstraints(min_length=1)]
    # The term of a fixed deposit, in months; absent for money available on demand.
    # A policy may count only deposits of a limited term (Hong Kong: six months).
    term_months: Annotated[int, Field(ge=1, le=1200)] | None = None


class InsurancePolicy(BaseModel):
    model_config = _STRICT

    insurer: Annotated[str, StringConstraints(min_length=1)]
    cover: Money
    deductible: DecimalText  # in the cover's currency
    period_start: AwareDatetime
    period_end: AwareDatetime
    perils: Annotated[list[Peril], Field(min_length=1)]
    cancellation_notice_days: Annotated[int, Field(ge=0)]

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.period_end <= self.period_start:
            raise ValueError("period_end is not after period_start")
        if len(set(self.perils)) != len(self.perils):
            raise ValueError("a peril is listed twice")
        return self


class LiabilityReserve(BaseModel):
    model_config = _STRICT

    cash: list[CashReserve] = []
    insurance: list[InsurancePolicy] = []


class IncidentLoss(BaseModel):
    model_config = _STRICT

    fiscal_year: Annotated[int, Field(ge=1900, le=9999)]
    loss: DecimalText


class ReserveInputs(BaseModel):
    """What the reserve formulas need; amounts are in the reporting currency."""

    model_config = _STRICT

    fiscal_year: Annotated[int, Field(ge=1900, le=9999)] | None = None  # the snapshot's
    trading_volume_12m: DecimalText | None = None
    incident_losses: list[IncidentLoss] = []
    fixed_overheads: DecimalText | None = None  # last fiscal year's (MiCA)
    service_class: Literal[1, 2, 3] | None = None  # MiCA CASP class

    def incident_loss(self, fiscal_year: int) -> IncidentLoss | None:
        return next((x for x in self.incident_losses if x.fiscal_year == fiscal_year), None)


class AveragePrices(BaseModel):
    """Average prices of one whole unit of each asset in the reporting currency over a
    period (both days included), for a policy that values holdings that way: Korea's
    Act takes the one-year average, recomputed monthly."""

    model_config = _STRICT

    period_start: date
    period_end: date  # the last day of the period
    prices: Annotated[
        dict[Annotated[str, StringConstraints(min_length=1, max_length=32)], PositiveDecimalText],
        Field(min_length=1),
    ]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class Attestation(WrittenAsBefore):
    model_config = _STRICT
    added = ("kind", "average_prices")

    format: Literal["por-attestation-v1"]
    # An exchange's attestation; a file without `kind` is one (the kind every file had
    # before stablecoin issuers' attestations, verifier/models/stablecoin.py).
    kind: Literal["exchange"] | None = None
    exchange: Exchange
    reporting_currency: Currency
    snapshot: Snapshot
    liabilities: Liabilities
    wallets: Annotated[list[Wallet], Field(min_length=1)]
    tokens: list[Token] = []
    liability_reserve: LiabilityReserve = LiabilityReserve()
    reserve_inputs: ReserveInputs = ReserveInputs()
    # Price of one whole unit of each asset (and of each foreign currency a reserve is
    # held in) in the reporting currency at the snapshot.
    prices: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=32)], PositiveDecimalText
    ]
    # Averages over a period, beside the snapshot prices; only a policy that values at
    # averages reads them (a prices section of its own, so `prices` keeps its shape).
    average_prices: AveragePrices | None = None
    policy: Annotated[str, StringConstraints(min_length=1)]  # the policy it claims to meet

    @property
    def assets(self) -> list[AssetSpec]:
        return self.liabilities.tree.assets

    def counted(self, chain: str, symbol: str) -> Counted:
        """What counts as `symbol` on `chain` (a chain of the snapshot, as spelled there)."""
        token = next((t for t in self.tokens if t.chain == chain and t.symbol == symbol), None)
        return Counted(parse_chain(chain).native == symbol, token)

    def problems(self) -> Iterator[tuple[str, str]]:
        """Cross-field faults the field types cannot see: (field path, problem). Every
        reader of an attestation refuses it on the first."""
        att = self
        tree = att.liabilities.tree
        for field, problem in tree.problems():
            yield f"liabilities.tree.{field}", problem
        symbols = [a.symbol for a in tree.assets]
        chains = [p.chain for p in att.snapshot.chains]
        refs: list[ChainRef | None] = []
        for i, chain in enumerate(chains):
            named = chain_ref(chain)
            ref = None if isinstance(named, str) else named
            if isinstance(named, str):
                yield f"snapshot.chains[{i}].chain", named
            elif chain in chains[:i]:
                yield f"snapshot.chains[{i}].chain", f"{chain!r} is listed twice"
            elif ref in refs:
                other = chains[refs.index(ref)]
                yield f"snapshot.chains[{i}].chain", f"{chain!r} is {other!r} again"
            refs.append(ref)
        for i, w in enumerate(att.wallets):
            missing = unpinned(w.chain, chains, refs)
            if missing:
                yield f"wallets[{i}].chain", missing
            for j, a in enumerate(w.assets):
                if a not in symbols:
                    yield (
                        f"wallets[{i}].assets[{j}]",
                        f"{a!r} is not an asset of the liability tree",
                    )
        decimals = {a.symbol: a.decimals for a in tree.assets}
        natives = native_assets()
        seen: set[tuple[str, str]] = set()
        for i, t in enumerate(att.tokens):
            missing = unpinned(t.chain, chains, refs)
            if missing:
                yield f"tokens[{i}].chain", missing
            if t.symbol not in decimals:
                yield f"tokens[{i}].symbol", f"{t.symbol!r} is not an asset of the liability tree"
            elif t.decimals != decimals[t.symbol]:
                yield f"tokens[{i}].decimals", f"{t.decimals}, the tree says {decimals[t.symbol]}"
            if t.counts_as_native is None and t.symbol in natives:
                problem = (
                    f"{t.symbol!r} is a native asset: a token counts as it only when "
                    'counts_as_native says "wrapped" or "bridged"'
                )
                yield f"tokens[{i}].symbol", problem
            elif t.counts_as_native is not None and t.symbol not in natives:
                problem = f"{t.symbol!r} is no chain's native asset ({', '.join(sorted(natives))})"
                yield f"tokens[{i}].counts_as_native", problem
            key = (t.chain, t.symbol)
            if key in seen:
                yield f"tokens[{i}].symbol", f"{t.symbol!r} has two contracts on {t.chain}"
            seen.add(key)
        years = [x.fiscal_year for x in att.reserve_inputs.incident_losses]
        for i, y in enumerate(years):
            if y in years[:i]:
                yield f"reserve_inputs.incident_losses[{i}].fiscal_year", f"{y} is listed twice"


def chain_ref(chain: str) -> ChainRef | str:
    """The chain `chain` names, or why it names none the adapters can read."""
    try:
        return parse_chain(chain)
    except ChainNameError as e:
        return str(e)


def unpinned(chain: str, chains: list[str], refs: list[ChainRef | None]) -> str | None:
    """Why `chain` (a wallet's or a token's) has no block in the snapshot, or None.

    Each chain is spelled one way throughout an attestation, as its snapshot entry
    spells it, so that every wallet, token, check and evidence record of one chain
    carries one name; another spelling of a pinned chain is refused, naming it.
    """
    if chain in chains:
        return None
    ref = chain_ref(chain)
    if isinstance(ref, str):
        return f"no snapshot block for {chain!r} ({ref})"
    if ref in refs:
        return f"{chain!r} is written {chains[refs.index(ref)]!r} in the snapshot: spell it one way"
    return f"no snapshot block for {chain!r}"
