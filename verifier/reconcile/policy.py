"""A regulator's rules as data: a policy file (TOML) names the checks and their figures.

One preset per regime ships in `policies/`; an auditor may pass their own file. Every
figure is a decimal string, parsed exactly. A preset may `extends` another preset and
add rules (Japan's draft reserve regime is the law in force plus a reserve).

Each figure a file sets can be marked (`[[figures]]`): law, guidance, proposal or
assumption, with its source, so that a report says how firm every number it applied is.
"""

from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from verifier.errors import InputError, OptionError
from verifier.io.documents import read_toml_model
from verifier.models.attestation import Currency, HeldAt, Peril
from verifier.models.numbers import DecimalText
from verifier.models.stablecoin import IssuerType

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)
Share = DecimalText  # a fraction such as "0.05"; checked to be <= 1 where it is a share


class InsuranceTerms(BaseModel):
    """When an insurance policy counts towards a reserve, and how much of it."""

    model_config = _STRICT

    perils: list[Peril] = []  # it must cover every one of these
    min_term_years: Annotated[int, Field(ge=0)] = 0
    min_notice_days: Annotated[int, Field(ge=0)] = 0
    cap_share: Share | None = None  # at most this share of the requirement


class Counting(BaseModel):
    """What a reserve rule counts: cash held at these places, insurance on these terms."""

    model_config = _STRICT

    cash_held_at: list[HeldAt] = ["trust", "bank"]
    # A fixed deposit with a longer term does not count (money on demand always does).
    max_term_months: Annotated[int, Field(ge=0)] | None = None
    insurance: InsuranceTerms | None = None  # None: insurance does not count


class Averaging(BaseModel):
    """Holdings valued at average prices over a period instead of the snapshot's prices
    (Korea: the one-year average, recomputed monthly). The attestation carries the
    averages; without them, or for another period, the check is inconclusive."""

    model_config = _STRICT

    years: Annotated[int, Field(ge=1, le=10)]  # the length of the averaging period
    max_age_days: Annotated[int, Field(ge=0)]  # how long before the snapshot it may end


class Coverage(BaseModel):
    model_config = _STRICT

    kind: Literal["coverage"]
    min_ratio: DecimalText


class ColdShare(BaseModel):
    model_config = _STRICT

    kind: Literal["cold-share"]
    basis: Literal["value", "per-asset"]
    min_cold: Share | None = None
    max_hot: Share | None = None
    average: Averaging | None = None  # by value at average prices (basis "value" only)

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.min_cold is None) == (self.max_hot is None):
            raise ValueError("give exactly one of min_cold and max_hot")
        if self.average is not None and self.basis != "value":
            raise ValueError('average prices value holdings: they need basis "value"')
        share = self.min_cold if self.min_cold is not None else self.max_hot
        if share is not None and share > 1:
            raise ValueError("a share must be at most 1")
        return self


class MatchingOwnCrypto(BaseModel):
    model_config = _STRICT

    kind: Literal["matching-own-crypto"]


class LiabilityReserve(BaseModel):
    """required = max(floor, volume_rate x 12-month volume, incident_factor x the largest
    annual incident loss of the last `incident_years` fiscal years, cold_rate x value
    of customer crypto in cold wallets)."""

    model_config = _STRICT

    kind: Literal["liability-reserve"]
    currency: Currency  # of `floor`
    floor: DecimalText
    volume_rate: DecimalText
    incident_factor: DecimalText
    incident_years: Annotated[int, Field(ge=1, le=20)]
    cold_rate: DecimalText
    counts: Counting


class OwnFunds(BaseModel):
    """required = max(class minimum, overhead_share x last year's fixed overheads).

    With one minimum only, it applies to every firm and the attestation's service class
    is not read (the UK's proposal sets one permanent minimum per activity)."""

    model_config = _STRICT

    kind: Literal["own-funds"]
    currency: Currency  # of the class minimums
    class_minimums: Annotated[list[DecimalText], Field(min_length=1)]  # class 1, 2, 3...
    overhead_share: Share
    counts: Counting


class Compensation(BaseModel):
    """required = cold_share x customer cold value + hot_share x customer hot value."""

    model_config = _STRICT

    kind: Literal["compensation"]
    cold_share: Share
    hot_share: Share
    counts: Counting


class HotReserve(BaseModel):
    """required = rate x customer hot value."""

    model_config = _STRICT

    kind: Literal["hot-reserve"]
    rate: Share
    counts: Counting
    average: Averaging | None = None  # hot value at average prices, as for the cold share


# What a stablecoin policy names a reserve asset by: its type, and "time_deposit" for
# a bank or trust deposit with a maturity (models/stablecoin.py ReserveAsset.category).
Category = Literal[
    "cash",
    "bank_deposit",
    "trust_deposit",
    "time_deposit",
    "government_bill",
    "repo",
    "mmf",
]


class ShareBound(BaseModel):
    """Eligible reserves of these categories, as a share of the outstanding supply's
    value: at least `min` (MiCA: 30% deposited at credit institutions), at most `max`
    (Japan's trust-type coins: 50% in government bonds and time deposits)."""

    model_config = _STRICT

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,40}$")]  # for the check id
    of: Annotated[list[Category], Field(min_length=1)]
    min: Share | None = None
    max: Share | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if any(x is not None and x > 1 for x in (self.min, self.max)):
            raise ValueError("a share must be at most 1")
        return self


class ReserveTerms(BaseModel):
    """What counts as a reserve for one type of issuer: the categories in `eligible`,
    and of those with a maturity, only what matures within the days given (remaining
    from the snapshot's date; no limit where none is given)."""

    model_config = _STRICT

    eligible: Annotated[list[Category], Field(min_length=1)]
    max_bill_days: Annotated[int, Field(ge=0)] | None = None
    max_repo_days: Annotated[int, Field(ge=0)] | None = None
    repo_collateral: list[Literal["government_bill", "government_note", "government_bond"]] = []
    max_deposit_days: Annotated[int, Field(ge=0)] | None = None
    shares: list[ShareBound] = []


class StablecoinReserves(BaseModel):
    """A stablecoin's outstanding supply (read on chain) covered `min_ratio` times by
    eligible reserves in the peg currency, declared at most `max_age_days` before the
    snapshot; the terms by issuer type ("any" for every type not named).

    `peg_currencies`: the currencies of the tokens the regime covers ("any" for every
    one): a token pegged to another is outside the policy's scope, and a policy applied
    outside its scope does not pass (the reserve terms were written for those currencies:
    Treasury bills back a dollar coin, not a yen one)."""

    model_config = _STRICT

    kind: Literal["stablecoin-reserves"]
    peg_currencies: Annotated[list[Currency], Field(min_length=1)] | Literal["any"]
    min_ratio: DecimalText
    max_age_days: Annotated[int, Field(ge=0)]
    terms: Annotated[dict[IssuerType | Literal["any"], ReserveTerms], Field(min_length=1)]

    def covers(self, currency: str) -> bool:
        return self.peg_currencies == "any" or currency in self.peg_currencies

    def terms_for(self, issuer_type: str) -> ReserveTerms | None:
        return self.terms.get(issuer_type) or self.terms.get("any")  # type: ignore[call-overload]


Rule = Annotated[
    Coverage
    | ColdShare
    | MatchingOwnCrypto
    | LiabilityReserve
    | OwnFunds
    | Compensation
    | HotReserve
    | StablecoinReserves,
    Field(discriminator="kind"),
]
ReserveRule = LiabilityReserve | OwnFunds | Compensation | HotReserve
Firmness = Literal["law", "guidance", "proposal", "assumption"]
Text = Annotated[str, StringConstraints(min_length=1)]


class Figure(BaseModel):
    """How firm one figure of a rule is, and where it comes from. `field` is the figure's
    path in its rule ("min_cold", "counts.insurance.cap_share")."""

    model_config = _STRICT

    rule: Text  # the rule's kind
    field: Text
    status: Firmness
    # A citation (title, issuer, date, section, address) or, for an assumption, why
    # this value was chosen and that no source gives it.
    source: Text


class PolicyFile(BaseModel):
    model_config = _STRICT

    format: Literal["por-policy-v1"]
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,63}$")]
    title: Text
    status: Text  # "law in force", "draft"...
    sources: list[str] = []  # the legal texts the figures come from
    extends: str | None = None
    assumptions: list[str] = []  # stated in every report that applies the policy
    # What the regime requires that a check at one snapshot cannot see (daily
    # monitoring, for one); stated in every report that applies the policy.
    not_checked: list[str] = []
    rules: list[Rule] = []
    figures: list[Figure] = []
    # The window around the snapshot (`por verify --window`): the lowest holdings read
    # must cover this share of the liabilities, and an inflow before the snapshot and
    # an outflow after it may not both exceed this share of them. Unset: the preset it
    # extends, else 1 and 0.02.
    window_min_coverage: DecimalText | None = None
    window_max_swing: Share | None = None


WINDOW_MIN_COVERAGE = Fraction(1)
WINDOW_MAX_SWING = Fraction(2, 100)


class Policy(BaseModel):
    """A policy with its `extends` chain resolved: the rules actually applied."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    status: str
    sources: list[str]
    assumptions: list[str]
    not_checked: list[str]
    rules: list[Rule]
    figures: list[Figure]
    source: str  # "preset" or the file it was read from
    window_min_coverage: Fraction = WINDOW_MIN_COVERAGE
    window_max_swing: Fraction = WINDOW_MAX_SWING


def figure_value(rule: Rule, field: str) -> Any:
    """The value at `field` (a dotted path: field names, keys of a table, indexes of a
    list, "terms.trust.shares.0.max") of `rule`, or KeyError if the rule has none."""
    node: Any = rule
    for part in field.split("."):
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(field)
    return node


def set_figures(rule: Rule) -> list[str]:
    """The dotted paths of every figure the file set in `rule` (its kind aside): each of
    them is what a preset must mark."""

    def walk(node: BaseModel, prefix: str) -> list[str]:
        out = []
        for name in sorted(node.model_fields_set):
            value = getattr(node, name)
            items: list[tuple[str, Any]] = []
            if isinstance(value, dict):
                items = [(str(k), v) for k, v in value.items()]
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                items = [(str(i), v) for i, v in enumerate(value)]
            if isinstance(value, BaseModel):
                out += walk(value, f"{prefix}{name}.")
            elif items and all(isinstance(v, BaseModel) for _, v in items):
                for key, v in items:
                    out += walk(v, f"{prefix}{name}.{key}.")
            elif name not in ("kind", "name"):  # a rule's kind, a share bound's name
                out.append(f"{prefix}{name}")
        return out

    return walk(rule, "")


def for_stablecoins(policy: Policy) -> bool:
    """Whether the policy judges a stablecoin issuer's attestation (else an exchange's)."""
    return any(isinstance(r, StablecoinReserves) for r in policy.rules)


def presets() -> list[str]:
    files = resources.files("verifier.reconcile.policies").iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_policy(spec: str) -> Policy:
    """A preset by name, or a policy file by path."""
    if spec in presets():
        return _resolve(_preset_file(spec), "preset", set())
    path = Path(spec)
    if not path.is_file():
        known = ", ".join(presets())
        raise OptionError("policy", f"{spec!r} is neither a preset ({known}) nor a file")
    return _resolve(read_toml_model(path, PolicyFile), str(path), set())


def _preset_file(name: str) -> PolicyFile:
    path = resources.files("verifier.reconcile.policies") / f"{name}.toml"
    with resources.as_file(path) as p:
        return read_toml_model(p, PolicyFile)


def _resolve(f: PolicyFile, source: str, seen: set[str]) -> Policy:
    rules = list(f.rules)
    assumptions = list(f.assumptions)
    sources = list(f.sources)
    not_checked = list(f.not_checked)
    figures = list(f.figures)
    min_coverage, max_swing = WINDOW_MIN_COVERAGE, WINDOW_MAX_SWING
    if f.window_max_swing is not None and f.window_max_swing > 1:
        raise InputError(source, "window_max_swing", "a share must be at most 1")
    if f.extends is not None:
        if f.extends not in presets():
            raise InputError(source, "extends", f"{f.extends!r} is not a preset")
        if f.extends in seen | {f.id}:
            raise InputError(source, "extends", f"{f.extends!r} extends itself")
        base = _resolve(_preset_file(f.extends), "preset", seen | {f.id})
        rules = [*base.rules, *rules]
        assumptions = [*base.assumptions, *assumptions]
        sources = [*base.sources, *sources]
        not_checked = [*base.not_checked, *not_checked]
        figures = [*base.figures, *figures]
        min_coverage, max_swing = base.window_min_coverage, base.window_max_swing
    if not rules:
        raise InputError(source, "rules", "a policy with no rules checks nothing")
    kinds = [r.kind for r in rules]
    for i, k in enumerate(kinds):
        if k in kinds[:i]:
            raise InputError(source, "rules", f"two rules of kind {k!r}")
    by_kind: dict[str, Rule] = {r.kind: r for r in rules}
    # The base's figures were checked when it was read; the file's own are checked here.
    marked = {(x.rule, x.field) for x in figures[: len(figures) - len(f.figures)]}
    for i, fig in enumerate(f.figures):
        where = f"figures[{i}]"
        rule = by_kind.get(fig.rule)
        if rule is None:
            raise InputError(source, f"{where}.rule", f"no rule of kind {fig.rule!r}")
        try:
            figure_value(rule, fig.field)
        except KeyError:
            raise InputError(source, f"{where}.field", f"{fig.rule} has no {fig.field!r}") from None
        if (fig.rule, fig.field) in marked:
            raise InputError(source, where, f"{fig.rule}.{fig.field} is marked twice")
        marked.add((fig.rule, fig.field))
    return Policy(
        id=f.id,
        title=f.title,
        status=f.status,
        sources=sources,
        assumptions=assumptions,
        not_checked=not_checked,
        rules=rules,
        figures=figures,
        source=source,
        window_min_coverage=min_coverage
        if f.window_min_coverage is None
        else f.window_min_coverage,
        window_max_swing=max_swing if f.window_max_swing is None else f.window_max_swing,
    )
