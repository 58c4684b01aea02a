"""Every bad input file ends as one line naming the file, the field and the problem.

The required fields and the leaves are found by walking the attestation's own JSON
Schema over the sample, so a field added to the model is covered without a new test.
"""

import copy
import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from tests.support.attestations import attestation, balances, write
from verifier.errors import InputError
from verifier.io.attestation import (
    load_attestation,
    load_balances,
    load_other_entities,
    load_prices,
)
from verifier.models.attestation import Attestation

SCHEMA = Attestation.model_json_schema()
Path_ = tuple[str | int, ...]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(SCHEMA["$defs"][schema["$ref"].split("/")[-1]])
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(option)
    return schema


def _walk(data: Any, schema: dict[str, Any], path: Path_) -> Iterator[tuple[Path_, bool]]:
    """(path, required) of every field in the sample, parents before children."""
    schema = _resolve(schema)
    if isinstance(data, dict) and "properties" in schema:
        for key, value in data.items():
            sub = (*path, key)
            yield sub, key in schema.get("required", [])
            yield from _walk(value, schema["properties"][key], sub)
    elif isinstance(data, list) and "items" in schema:
        for i, value in enumerate(data):
            yield from _walk(value, schema["items"], (*path, i))


def _field(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _get(data: Any, path: Path_) -> Any:
    for p in path:
        data = data[p]
    return data


FIELDS = list(_walk(attestation(), SCHEMA, ()))
REQUIRED = [p for p, required in FIELDS if required]
LEAVES = [p for p, _ in FIELDS if not isinstance(_get(attestation(), p), dict | list)]


def _error(path: Path, data: dict[str, Any]) -> InputError:
    write(path, data)
    with pytest.raises(InputError) as e:
        load_attestation(path)
    assert "\n" not in str(e.value)
    assert str(e.value).startswith(f"{path}: ")
    return e.value


def test_the_sample_loads_exactly(tmp_path: Path) -> None:
    att = load_attestation(write(tmp_path / "a.json", attestation()))
    assert att.liabilities.tree.totals()["ETH"] == 1000 * 10**18
    assert att.prices["USDC"] == Fraction(150)
    assert att.liability_reserve.insurance[0].deductible == Fraction(100_000_000)


def test_the_walk_finds_the_fields() -> None:
    assert ("liabilities", "tree", "root", "sums") in REQUIRED
    assert ("wallets", 0, "ownership_proof", "signature") in REQUIRED
    assert ("liability_reserve", "insurance", 0, "cancellation_notice_days") in REQUIRED
    assert len(REQUIRED) > 60


@pytest.mark.parametrize("field", REQUIRED, ids=_field)
def test_each_required_field_missing(tmp_path: Path, field: Path_) -> None:
    data = attestation()
    del _get(data, field[:-1])[field[-1]]
    e = _error(tmp_path / "att.json", data)
    assert e.field == _field(field)
    assert e.problem == "required field is missing"


def _wrong(value: Any) -> Any:
    return 7 if isinstance(value, str) else "seven"


@pytest.mark.parametrize("field", LEAVES, ids=_field)
def test_each_field_of_the_wrong_type(tmp_path: Path, field: Path_) -> None:
    data = attestation()
    parent = _get(data, field[:-1])
    parent[field[-1]] = _wrong(parent[field[-1]])
    e = _error(tmp_path / "att.json", data)
    assert e.field is not None and e.field.startswith(_field(field)), e


@pytest.mark.parametrize(
    "field, value, problem",
    [
        (("format",), "por-attestation-v0", "por-attestation-v1"),
        (("reporting_currency",), "yen", "pattern"),
        (("snapshot", "time"), "2026-03-31T15:00:00", "timezone"),
        # A hex pattern is named in words now, not shown as its regex.
        (("snapshot", "chains", 0, "block_hash"), "AB" * 32, "lowercase hex"),
        (("liabilities", "tree", "root", "sums", 0), "-1", "canonical integer"),
        (("liabilities", "tree", "root", "sums", 0), "01", "canonical integer"),
        (("liabilities", "offchain_fiat"), "1e9", "plain decimal"),
        (("wallets", 0, "role"), "warm", "'cold' or 'hot'"),
        (("wallets", 0, "ownership_class"), "theirs", "'customer' or 'own'"),
        (("prices", "BTC"), "-5", "plain decimal"),
        # A zero price values coins at nothing: hot coins would vanish from value-based
        # cold-share checks (a BTC cold wallet declared hot passed sg-mas and kr).
        (("prices", "BTC"), "0", "'0' is not greater than 0"),
        (("prices", "BTC"), "0.000", "is not greater than 0"),
        (("liability_reserve", "insurance", 0, "perils", 0), "war", "hack"),
        (("reserve_inputs", "service_class"), 4, "1, 2 or 3"),
        (("tokens", 0, "contract"), "0x12", "pattern"),
        (("average_prices", "period_end"), "2026-31-03", "date"),
        (("average_prices", "prices", "BTC"), "0", "is not greater than 0"),
        (("liability_reserve", "cash", 0, "held_at"), "vault", "'escrow' or 'pooled'"),
        (("liability_reserve", "cash", 0, "term_months"), 0, "greater than or equal to 1"),
    ],
)
def test_wrong_values(tmp_path: Path, field: Path_, value: Any, problem: str) -> None:
    data = attestation()
    _get(data, field[:-1])[field[-1]] = value
    e = _error(tmp_path / "att.json", data)
    assert e.field == _field(field)
    assert problem in e.problem


def test_an_average_period_ending_before_it_starts(tmp_path: Path) -> None:
    data = attestation()
    data["average_prices"]["period_end"] = "2025-03-31"
    e = _error(tmp_path / "att.json", data)
    assert e.field == "average_prices"
    assert "period_end is before period_start" in e.problem
    assert "\n" not in str(e)


def test_a_float_amount_is_refused(tmp_path: Path) -> None:
    data = attestation()
    data["prices"]["BTC"] = 10000000.5
    e = _error(tmp_path / "att.json", data)
    assert (e.field, "decimal string") == ("prices.BTC", "decimal string")
    assert "decimal string" in e.problem


def test_an_unknown_field(tmp_path: Path) -> None:
    data = attestation()
    data["wallets"][2]["label"] = "x"
    e = _error(tmp_path / "att.json", data)
    assert (e.field, e.problem) == ("wallets[2].label", "unknown field")


@pytest.mark.parametrize(
    "change, field, problem",
    [
        (
            lambda d: d["wallets"][0].update(chain="bitcoin:main"),
            "wallets[0].chain",
            "no snapshot block",
        ),
        (
            lambda d: d["wallets"][4]["assets"].append("DOGE"),
            "wallets[4].assets[2]",
            "not an asset of the liability tree",
        ),
        (
            lambda d: d["wallets"][0].update(script="0014" + "00" * 20),
            "wallets[0]",
            "exactly one of address and script",
        ),
        (lambda d: d["wallets"][0]["assets"].append("BTC"), "wallets[0]", "listed twice"),
        (lambda d: d["tokens"][0].update(decimals=18), "tokens[0].decimals", "the tree says 6"),
        (lambda d: d["tokens"][0].update(symbol="DAI"), "tokens[0].symbol", "not an asset"),
        (
            lambda d: d["liabilities"]["tree"]["root"]["sums"].pop(),
            "liabilities.tree.root.sums",
            "2 sums for 3 assets",
        ),
        (
            lambda d: d["liabilities"]["tree"]["root"]["sums"].__setitem__(0, str(2**128)),
            "liabilities.tree.root.sums[0]",
            "2^128",
        ),
        (
            lambda d: d["snapshot"]["chains"].append(dict(d["snapshot"]["chains"][0])),
            "snapshot.chains[2].chain",
            "listed twice",
        ),
        (
            lambda d: d["snapshot"]["chains"][1].update(chain="evm:moon"),
            "snapshot.chains[1].chain",
            "'moon' is not a registered EVM chain (ethereum, sepolia,",
        ),
        (
            lambda d: d["snapshot"]["chains"].extend(
                [{**d["snapshot"]["chains"][1], "chain": c} for c in ("ethereum:1", "evm:ethereum")]
            ),
            "snapshot.chains[3].chain",
            "'evm:ethereum' is 'ethereum:1' again",
        ),
        (
            lambda d: (
                d["snapshot"]["chains"][1].update(chain="ethereum:8453")
                or d["wallets"][3].update(chain="evm:base")
            ),
            "wallets[3].chain",
            "'evm:base' is written 'ethereum:8453' in the snapshot: spell it one way",
        ),
        (
            lambda d: d["wallets"][3].update(chain="evm:base"),
            "wallets[3].chain",
            "no snapshot block for 'evm:base'",
        ),
        (
            lambda d: d["tokens"].append(
                {
                    "chain": "ethereum:31337",
                    "contract": "0x" + "ef" * 20,
                    "symbol": "ETH",
                    "decimals": 18,
                }
            ),
            "tokens[1].symbol",
            "'ETH' is a native asset: a token counts as it only when counts_as_native says",
        ),
        (
            lambda d: d["tokens"][0].update(counts_as_native="wrapped"),
            "tokens[0].counts_as_native",
            "'USDC' is no chain's native asset (AVAX, BNB, BTC, ETH, POL)",
        ),
        (
            lambda d: d["reserve_inputs"]["incident_losses"].append(
                {"fiscal_year": 2022, "loss": "1"}
            ),
            "reserve_inputs.incident_losses[3].fiscal_year",
            "listed twice",
        ),
        (
            lambda d: d["liability_reserve"]["insurance"][0].update(
                period_end="2025-01-01T00:00:00Z"
            ),
            "liability_reserve.insurance[0]",
            "not after",
        ),
    ],
)
def test_inconsistent_fields(tmp_path: Path, change: Any, field: str, problem: str) -> None:
    data = attestation()
    change(data)
    e = _error(tmp_path / "att.json", data)
    assert e.field == field
    assert problem in e.problem


def test_evm_chains_by_registry_name_load_beside_the_old_spelling(tmp_path: Path) -> None:
    text = json.dumps(attestation()).replace('"ethereum:31337"', '"evm:base"')
    data = json.loads(text)
    data["snapshot"]["chains"].append(
        {"chain": "ethereum:31337", "height": 5, "block_hash": "33" * 32}
    )
    att = load_attestation(write(tmp_path / "a.json", data))
    assert [p.chain for p in att.snapshot.chains] == [
        "bitcoin:regtest",
        "evm:base",
        "ethereum:31337",
    ]
    assert {w.chain for w in att.wallets} == {"bitcoin:regtest", "evm:base"}


def test_a_token_mapped_onto_a_native_asset_loads_and_keeps_its_mapping(tmp_path: Path) -> None:
    data = attestation()
    bridged = {"chain": "ethereum:31337", "contract": "0x" + "ef" * 20, "symbol": "ETH"}
    data["tokens"].append({**bridged, "decimals": 18, "counts_as_native": "bridged"})
    att = load_attestation(write(tmp_path / "a.json", data))
    assert att.counted("ethereum:31337", "ETH") == (True, att.tokens[1])
    assert att.tokens[1].counts_as_native == "bridged"
    # written back with its mapping; a token without one is written as it always was
    written = json.loads(att.model_dump_json())["tokens"]
    assert written[1]["counts_as_native"] == "bridged" and "counts_as_native" not in written[0]


def test_an_attestation_from_before_averages_and_terms_loads_and_is_written_as_it_was(
    tmp_path: Path,
) -> None:
    data = attestation()
    del data["average_prices"]
    att = load_attestation(write(tmp_path / "a.json", data))
    assert att.average_prices is None and att.liability_reserve.cash[0].term_months is None
    written = json.loads(att.model_dump_json())
    assert "average_prices" not in written
    assert "term_months" not in written["liability_reserve"]["cash"][0]
    data["liability_reserve"]["cash"][0]["term_months"] = 6
    again = load_attestation(write(tmp_path / "b.json", data))
    assert json.loads(again.model_dump_json())["liability_reserve"]["cash"][0]["term_months"] == 6


def test_not_json_and_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "att.json"
    path.write_text('{"format": "por-attestation-v1",')
    # One wording for broken JSON in every file, the proof page's too.
    with pytest.raises(InputError, match="not valid JSON"):
        load_attestation(path)
    path.write_text('{"format": "a", "format": "b"}')
    with pytest.raises(InputError, match="'format' appears twice"):
        load_attestation(path)
    # One wording for a missing file everywhere (was "cannot read: [Errno 2] ...").
    with pytest.raises(InputError, match="no such file"):
        load_attestation(tmp_path / "missing.json")


def _loaded(tmp_path: Path) -> Attestation:
    return load_attestation(write(tmp_path / "att.json", attestation()))


@pytest.mark.parametrize(
    "change, field, problem",
    [
        (
            lambda b: b["wallets"][0].update(address="bcrt1qnotlisted"),
            "wallets[0]",
            "not in the attestation",
        ),
        (
            lambda b: b["wallets"].append(copy.deepcopy(b["wallets"][0])),
            "wallets[6]",
            "listed twice",
        ),
        (
            lambda b: b["wallets"][0]["balances"].update(DOGE={"units": "1"}),
            "wallets[0].balances.DOGE",
            "not an asset",
        ),
        (
            lambda b: b["wallets"][0]["balances"]["BTC"].update(inconclusive="x"),
            "wallets[0].balances.BTC",
            "exactly one of units and inconclusive",
        ),
        (lambda b: b["wallets"][0].pop("height"), "wallets[0]", "both height and block_hash"),
        (
            lambda b: b["wallets"][0]["ownership"].update(status="maybe"),
            "wallets[0].ownership.status",
            "verified",
        ),
        (
            lambda b: b["wallets"][0]["balances"]["BTC"].update(units="1.5"),
            "wallets[0].balances.BTC.units",
            "canonical integer",
        ),
    ],
)
def test_bad_balances_files(tmp_path: Path, change: Any, field: str, problem: str) -> None:
    att = _loaded(tmp_path)
    bal = balances(attestation())
    change(bal)
    path = write(tmp_path / "bal.json", bal)
    with pytest.raises(InputError) as e:
        load_balances(path, att)
    assert (e.value.source, e.value.field) == (str(path), field)
    assert problem in e.value.problem


def test_prices_file_replaces_the_attestations_prices(tmp_path: Path) -> None:
    att = _loaded(tmp_path)
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps({"format": "por-prices-v1", "currency": "JPY", "prices": {"BTC": "9000000.25"}})
    )
    prices = load_prices(path, att)
    assert prices["BTC"] == Fraction("9000000.25")
    assert prices["ETH"] == Fraction(400000)
    for zero in ("0", "0.0"):
        path.write_text(
            json.dumps({"format": "por-prices-v1", "currency": "JPY", "prices": {"BTC": zero}})
        )
        with pytest.raises(InputError) as e:
            load_prices(path, att)
        assert (e.value.field, e.value.problem) == ("prices.BTC", f"{zero!r} is not greater than 0")
    path.write_text(json.dumps({"format": "por-prices-v1", "currency": "EUR", "prices": {}}))
    with pytest.raises(InputError) as e:
        load_prices(path, att)
    assert e.value.field == "currency"


def test_other_entities_file(tmp_path: Path) -> None:
    path = tmp_path / "others.txt"
    path.write_text(
        "# Exchange B\nBC1QABC  # cold\n\n0xA1A1a1A1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1\n1BoatSLRHtKNngkdXEeobR76b53LETtpyT\n"
    )
    assert load_other_entities(path) == {
        "bc1qabc",
        "0x" + "a1" * 20,
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    }


def test_a_bad_mapping_key_names_the_key(tmp_path: Path) -> None:
    data = attestation()
    data["prices"]["X" * 40] = "1"
    e = _error(tmp_path / "att.json", data)
    assert e.field == f"prices.{'X' * 40} [key]"
