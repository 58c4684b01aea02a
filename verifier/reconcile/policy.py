"""A regulator's rules as data: a policy file (TOML) names the checks and their figures.

One preset per regime ships in `policies/`; an auditor may pass their own file. Every
figure is a decimal string, parsed exactly. A preset may `extends` another preset and
add rules (Japan's draft reserve regime is the law in force plus a reserve).
"""

from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from verifier.errors import InputError, OptionError
from verifier.io.documents import read_toml_model
from verifier.models.attestation import Currency, Peril
from verifier.models.numbers import DecimalText

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

    cash_held_at: list[Literal["trust", "bank", "bank-guarantee"]] = ["trust", "bank"]
    insurance: InsuranceTerms | None = None  # None: insurance does not count


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

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.min_cold is None) == (self.max_hot is None):
            raise ValueError("give exactly one of min_cold and max_hot")
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
    """required = max(class minimum, overhead_share x last year's fixed overheads)."""

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


Rule = Annotated[
    Coverage
    | ColdShare
    | MatchingOwnCrypto
    | LiabilityReserve
    | OwnFunds
    | Compensation
    | HotReserve,
    Field(discriminator="kind"),
]
ReserveRule = LiabilityReserve | OwnFunds | Compensation | HotReserve


class PolicyFile(BaseModel):
    model_config = _STRICT

    format: Literal["por-policy-v1"]
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,63}$")]
    title: Annotated[str, StringConstraints(min_length=1)]
    status: Annotated[str, StringConstraints(min_length=1)]  # "law in force", "draft"...
    sources: list[str] = []  # the legal texts the figures come from
    extends: str | None = None
    assumptions: list[str] = []  # stated in every report that applies the policy
    rules: list[Rule] = []
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
    rules: list[Rule]
    source: str  # "preset" or the file it was read from
    window_min_coverage: Fraction = WINDOW_MIN_COVERAGE
    window_max_swing: Fraction = WINDOW_MAX_SWING


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
        min_coverage, max_swing = base.window_min_coverage, base.window_max_swing
    if not rules:
        raise InputError(source, "rules", "a policy with no rules checks nothing")
    kinds = [r.kind for r in rules]
    for i, k in enumerate(kinds):
        if k in kinds[:i]:
            raise InputError(source, "rules", f"two rules of kind {k!r}")
    return Policy(
        id=f.id,
        title=f.title,
        status=f.status,
        sources=sources,
        assumptions=assumptions,
        rules=rules,
        source=source,
        window_min_coverage=min_coverage
        if f.window_min_coverage is None
        else f.window_min_coverage,
        window_max_swing=max_swing if f.window_max_swing is None else f.window_max_swing,
    )
