"""What a return plan starts from, taken from a `por verify` report of the tree's
attestation: per asset, the verified customer holdings; the prices; the liability
reserve. Only figures the report established count: an unknown one counts as zero,
never as held.

A report of another tree (another commitment, other assets, other liabilities) is a
mismatch (a failed check, exit 1); a report that cannot be read or holds a figure no
report could hold is bad input (exit 2)."""

from dataclasses import dataclass
from fractions import Fraction

from verifier.errors import InputError
from verifier.models.amounts import MAX_UNITS, AmountError, parse_units
from verifier.models.asset import AssetSpec
from verifier.models.check import CheckResult, Status
from verifier.models.numbers import parse_decimal
from verifier.models.tree import TreeRoot
from verifier.report.model import AssetLine, Report

# The reserve line of a report that a plan draws on: the liability reserve (cash and
# qualifying insurance, as the policy counts them). Other reserve rules (own funds,
# compensation arrangements) are not earmarked for customers' claims.
RESERVE_CHECK = "liability-reserve"

# ISO 4217 minor units of the currencies that do not have two.
_MINOR_UNITS = {
    **dict.fromkeys(
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"], 0
    ),
    **dict.fromkeys(["VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}


def currency_decimals(currency: str) -> int:
    """Decimals of the currency's smallest unit (ISO 4217 minor units; 2 for most)."""
    return _MINOR_UNITS.get(currency, 2)


@dataclass(frozen=True)
class AssetBasis:
    asset: AssetSpec
    claims: int  # the tree's liabilities, base units
    holdings: int  # verified customer holdings, cold + hot, base units
    unknown: list[str]  # the parts the report could not establish, counted as zero
    price: Fraction | None  # one whole unit in the reporting currency


@dataclass(frozen=True)
class Basis:
    currency: str
    currency_decimals: int
    reserve: int  # in the currency's smallest unit, rounded down
    reserve_note: str  # where the reserve figure came from, or why it is zero
    assets: list[AssetBasis]


def report_matches_tree(report: Report, root: TreeRoot, source: str) -> CheckResult:
    """The report is of an attestation of this very tree: its commitment, asset list
    and per-asset liabilities."""
    theirs = report.snapshot.liability_root_commitment
    if theirs != root.root_commitment:
        return _mismatch("the report is of another tree", root.root_commitment, theirs)
    ours = [(a.symbol, a.decimals) for a in root.assets]
    listed = [(a.symbol, a.decimals) for a in report.assets]
    if listed != ours:
        return _mismatch("the report lists other assets than the tree", ours, listed)
    for i, (line, asset, total) in enumerate(
        zip(report.assets, root.assets, root.root.sums, strict=True)
    ):
        if _units(line.liabilities, asset, source, f"assets[{i}].liabilities") != total:
            return _mismatch(
                f"the report states other {asset.symbol} liabilities than the tree",
                str(total),
                line.liabilities,
            )
    return CheckResult(
        id="report-of-tree",
        status=Status.PASS,
        reason="the report is of an attestation of this tree (commitment, assets, liabilities)",
    )


def plan_basis(report: Report, root: TreeRoot, source: str) -> Basis:
    """The figures of a report that `report_matches_tree` accepted for `root`."""
    currency = report.reporting_currency
    decimals = currency_decimals(currency)
    if currency in {a.symbol for a in root.assets}:
        problem = f"{currency} is also an asset of the tree: the entitlement tree needs it apart"
        raise InputError(source, "reporting_currency", problem)
    assets = [
        _asset_basis(i, line, asset, claims, source)
        for i, (line, asset, claims) in enumerate(
            zip(report.assets, root.assets, root.root.sums, strict=True)
        )
    ]
    reserve, note = _reserve(report, decimals, source)
    return Basis(currency, decimals, reserve, note, assets)


def _asset_basis(i: int, line: AssetLine, asset: AssetSpec, claims: int, source: str) -> AssetBasis:
    held = 0
    unknown = []
    for part in ("customer_cold", "customer_hot"):
        text = getattr(line, part)
        if text is None:
            unknown.append(part)
        else:
            held += _units(text, asset, source, f"assets[{i}].{part}")
    price = None
    if line.price is not None:
        price = _decimal(line.price, source, f"assets[{i}].price")
    if price is None and held < claims:
        problem = f"no price for {asset.symbol}, whose shortfall the reserve is to make up"
        raise InputError(source, f"assets[{i}].price", problem)
    return AssetBasis(asset, claims, held, unknown, price)


def _reserve(report: Report, decimals: int, source: str) -> tuple[int, str]:
    lines = [(i, r) for i, r in enumerate(report.reserves) if r.check == RESERVE_CHECK]
    if not lines:
        return 0, f"the report's policy counts no {RESERVE_CHECK}: none is used"
    i, line = lines[0]
    if line.available is None:
        return 0, f"the report could not establish the {RESERVE_CHECK}: counted as zero"
    field = f"reserves[{i}].available"
    amount = _decimal(line.available, source, field) * 10**decimals
    units = amount.numerator // amount.denominator
    if units >= MAX_UNITS:
        raise InputError(source, field, "is 2^128 smallest units or more")
    return units, f"the report's {RESERVE_CHECK}, cash and insurance as counted ({field})"


def _units(text: str, asset: AssetSpec, source: str, field: str) -> int:
    try:
        return parse_units(text, asset.decimals)
    except AmountError as e:
        raise InputError(source, field, str(e)) from None


def _decimal(text: str, source: str, field: str) -> Fraction:
    try:
        return parse_decimal(text)
    except ValueError as e:
        raise InputError(source, field, str(e)) from None


def _mismatch(reason: str, expected: object, actual: object) -> CheckResult:
    return CheckResult(
        id="report-of-tree", status=Status.FAIL, reason=reason, expected=expected, actual=actual
    )
