"""The real files exchanges published, read in place from ../shared/external."""

import json
from pathlib import Path

import pytest

from tests.formats.conftest import run
from verifier.tree.formats import verify_file
from verifier.tree.verify import NOT_COMPARED

OKX_ROOT = "ac6b39d2a0aa8112bd1aadff5e7d4b5c2b91cd54d595262ba4367f5d2db4160d"
MEXC_ROOT = "35d01ffef2beec3ff0166c03f3d9b0cc"


def test_okx_v1_sample_verifies_to_its_published_root(external: Path) -> None:
    v = verify_file(external / "okx" / "v1_merkle_proof_file.json", commitment=OKX_ROOT)
    assert (v.format, v.included, v.root, v.compared) == ("okx-v1", True, OKX_ROOT, True)
    assert (
        len(json.loads((external / "okx" / "v1_merkle_proof_file.json").read_text())["path"]) == 24
    )
    assert v.balances == {"BTC": "1.000069", "ETH": "0.99908176", "USDT": "19398.33550812"}


def test_mexc_sample_verifies_to_its_published_root(external: Path) -> None:
    v = verify_file(external / "mexc" / "merkle_proof.json", commitment=MEXC_ROOT)
    assert (v.format, v.included, v.root) == ("mexc", True, MEXC_ROOT)
    assert v.account == "1745297673" and v.balances == {"ETH": "195462.73"}


@pytest.mark.parametrize(
    "name", ["mock_user_merkle_tree_path_40.json", "mock_user_merkle_tree_path_40_v2.json"]
)
def test_both_bybit_asset_list_versions_verify(external: Path, name: str) -> None:
    v = verify_file(external / "bybit" / name)
    assert v.format == "bybit" and v.included and not v.compared
    assert v.status == "inconclusive" and v.exit_code == 2  # no published root to compare
    assert len(v.balances) == 40


def test_the_two_bybit_versions_really_differ_in_their_asset_lists(external: Path) -> None:
    keys = [
        list(json.loads((external / "bybit" / n).read_text())["self"]["balance"])
        for n in ("mock_user_merkle_tree_path_40.json", "mock_user_merkle_tree_path_40_v2.json")
    ]
    assert keys[0] != keys[1] and "RENDER" in keys[1] and "RNDR" in keys[0]


def test_okx_sample_cli_exit_codes_and_weaknesses(external: Path, tmp_path: Path) -> None:
    sample = external / "okx" / "v1_merkle_proof_file.json"
    r = run(str(sample), "--commitment", OKX_ROOT)
    assert r.exit_code == 0 and "INCLUDED (okx-v1)" in r.stdout
    assert "binds only the sum of its children" in r.stdout
    r = run(str(sample))
    # Without the published root the sample is inconclusive, exit 2 (it was exit 0 with a
    # warning before issue 10): every check still runs and is shown.
    assert r.exit_code == 2 and r.stdout.startswith(f"INCONCLUSIVE (okx-v1): {NOT_COMPARED}")
    assert f"every check passed up to root {OKX_ROOT}" in r.stdout
    assert "binds only the sum of its children" in r.stdout
    r = run(str(sample), "--commitment", "00" + OKX_ROOT[2:])
    assert r.exit_code == 1 and "not the published" in r.stdout


def test_sample_renamed_is_still_detected_by_shape(external: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "bybit_proof.txt"  # an MEXC file with a misleading name
    renamed.write_bytes((external / "mexc" / "merkle_proof.json").read_bytes())
    assert verify_file(renamed).format == "mexc"


def test_one_digit_changed_in_each_sample_fails(external: Path, tmp_path: Path) -> None:
    cases = [
        ("okx/v1_merkle_proof_file.json", '"USDT":"19398.33550812"', '"USDT":"19398.33550813"'),
        ("mexc/merkle_proof.json", '"BTC": "1523108.27"', '"BTC": "1523108.28"'),
        ("bybit/mock_user_merkle_tree_path_40.json", '"DOT": "7.16384740"', '"DOT": "7.16384741"'),
    ]
    for name, old, new in cases:
        text = (external / name).read_text()
        assert text.count(old) == 1, name
        tampered = tmp_path / Path(name).name
        tampered.write_text(text.replace(old, new))
        r = run(str(tampered))
        assert r.exit_code == 1 and "NOT INCLUDED" in r.stdout, (name, r.output)
