"""Loading the files of a reconciliation: the attestation, balances, prices and the
other entities' addresses. Each loader either returns a model that is consistent in
itself or raises InputError naming the file and the field, so the CLI stays thin."""

from fractions import Fraction
from pathlib import Path
from typing import Any

from chains.addresses import normalize
from verifier.errors import InputError
from verifier.io.documents import DOCUMENT_LIMIT, json_model, read_json_model, refuse_first
from verifier.io.files import read_text
from verifier.io.jsontext import parse_json, parse_json_native
from verifier.models.attestation import Attestation
from verifier.models.balances import BalancesFile
from verifier.models.prices import PricesFile
from verifier.models.stablecoin import StablecoinAttestation
from verifier.reconcile.observations import (
    Observations,
    OwnershipStatus,
    ReadAt,
    Unknown,
    WalletKey,
    WalletObservation,
)


def load_attestation(path: Path) -> Attestation:
    """An exchange's attestation; a stablecoin issuer's is refused, naming its kind."""
    att = load_any_attestation(path)
    if isinstance(att, StablecoinAttestation):
        raise InputError(str(path), "kind", "a stablecoin attestation: `por verify` checks it")
    return att


def load_any_attestation(path: Path) -> Attestation | StablecoinAttestation:
    """An attestation of either kind, by its `kind` field ("stablecoin"; absent or
    "exchange" for an exchange's), so that each kind's errors name its own fields."""
    text = read_text(path, DOCUMENT_LIMIT)
    doc = parse_json(text, str(path))
    kind = doc.get("kind") if isinstance(doc, dict) else None
    if kind not in (None, "exchange", "stablecoin"):
        raise InputError(str(path), "kind", f"{kind!r} is not a kind (exchange, stablecoin)")
    att: Attestation | StablecoinAttestation = (
        json_model(text, str(path), StablecoinAttestation)
        if kind == "stablecoin"
        else json_model(text, str(path), Attestation)
    )
    refuse_first(str(path), att.problems())
    return att


def load_attest_config(path: Path) -> dict[str, Any]:
    """`por attest`'s configuration: the attestation without the parts that come from
    the tree and the chains, as a JSON object to complete."""
    doc = parse_json_native(read_text(path), str(path))
    if not isinstance(doc, dict):
        raise InputError(str(path), None, "not a JSON object")
    return doc


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
