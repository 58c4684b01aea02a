"""Loading the files of a reconciliation: the attestation, balances, prices and the
other entities' addresses. Each loader either returns a model that is consistent in
itself or raises InputError naming the file and the field, so the CLI stays thin."""

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from verifier.errors import InputError
from verifier.io.documents import read_json_model
from verifier.io.files import read_text
from verifier.models.attestation import Attestation
from verifier.models.balances import BalancesFile
from verifier.models.prices import PricesFile
from verifier.reconcile.addresses import normalize
from verifier.reconcile.observations import (
    Observations,
    OwnershipStatus,
    ReadAt,
    Unknown,
    WalletKey,
    WalletObservation,
)


def load_attestation(path: Path) -> Attestation:
    att = read_json_model(path, Attestation)
    check_attestation(att, str(path))
    return att


def check_attestation(att: Attestation, source: str) -> None:
    """The first cross-field fault, as InputError naming the field."""
    for field, problem in _reference_problems(att):
        raise InputError(source, field, problem)


def _reference_problems(att: Attestation) -> Iterator[tuple[str, str]]:
    """Cross-field faults the field types cannot see, each with its field path."""
    tree = att.liabilities.tree
    for field, problem in tree.problems():
        yield f"liabilities.tree.{field}", problem
    symbols = [a.symbol for a in tree.assets]
    chains = [p.chain for p in att.snapshot.chains]
    for i, chain in enumerate(chains):
        if chain in chains[:i]:
            yield f"snapshot.chains[{i}].chain", f"{chain!r} is listed twice"
    for i, w in enumerate(att.wallets):
        if w.chain not in chains:
            yield f"wallets[{i}].chain", f"no snapshot block for {w.chain!r}"
        for j, a in enumerate(w.assets):
            if a not in symbols:
                yield f"wallets[{i}].assets[{j}]", f"{a!r} is not an asset of the liability tree"
    decimals = {a.symbol: a.decimals for a in tree.assets}
    seen: set[tuple[str, str]] = set()
    for i, t in enumerate(att.tokens):
        if t.chain not in chains:
            yield f"tokens[{i}].chain", f"no snapshot block for {t.chain!r}"
        if t.symbol not in decimals:
            yield f"tokens[{i}].symbol", f"{t.symbol!r} is not an asset of the liability tree"
        elif t.decimals != decimals[t.symbol]:
            yield f"tokens[{i}].decimals", f"{t.decimals}, the tree says {decimals[t.symbol]}"
        key = (t.chain, t.symbol)
        if key in seen:
            yield f"tokens[{i}].symbol", f"{t.symbol!r} has two contracts on {t.chain}"
        seen.add(key)
    years = [x.fiscal_year for x in att.reserve_inputs.incident_losses]
    for i, y in enumerate(years):
        if y in years[:i]:
            yield f"reserve_inputs.incident_losses[{i}].fiscal_year", f"{y} is listed twice"


def load_balances(path: Path, att: Attestation) -> Observations:
    """The balances file as observations keyed like the attestation's wallets."""
    data = read_json_model(path, BalancesFile)
    listed = {(w.chain, w.locator) for w in att.wallets}
    decimals = {a.symbol: a.decimals for a in att.assets}
    out: dict[WalletKey, WalletObservation] = {}
    for i, w in enumerate(data.wallets):
        key = (w.chain, w.locator)
        if key not in listed:
            raise InputError(str(path), f"wallets[{i}]", f"{w.locator} is not in the attestation")
        if key in out:
            raise InputError(str(path), f"wallets[{i}]", f"{w.locator} is listed twice")
        balances: dict[str, int | Unknown] = {}
        for symbol, entry in w.balances.items():
            if symbol not in decimals:
                field = f"wallets[{i}].balances.{symbol}"
                raise InputError(str(path), field, "not an asset of the liability tree")
            balances[symbol] = (
                entry.units if entry.units is not None else Unknown(entry.inconclusive or "")
            )
        read_at = None
        if w.height is not None and w.block_hash is not None:
            read_at = ReadAt(w.height, w.block_hash)
        out[key] = WalletObservation(
            balances=balances,
            ownership=OwnershipStatus(w.ownership.status),
            ownership_reason=w.ownership.reason,
            read_at=read_at,
            evidence={"source": str(path)},
        )
    return Observations(out)


def load_prices(path: Path, att: Attestation) -> dict[str, Fraction]:
    """The attestation's prices with those of `--prices FILE` put in their place."""
    data = read_json_model(path, PricesFile)
    if data.currency != att.reporting_currency:
        problem = f"{data.currency}, the attestation reports in {att.reporting_currency}"
        raise InputError(str(path), "currency", problem)
    return {**att.prices, **data.prices}


def load_other_entities(path: Path) -> set[str]:
    """Addresses of other entities, one a line; blank lines and '#' comments skipped."""
    out: set[str] = set()
    for line in read_text(path).splitlines():
        address = line.split("#", 1)[0].strip()
        if address:
            out.add(normalize(address))
    return out
