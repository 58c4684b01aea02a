"""bitget, both generations: 2022 JSON numbers (written scale hashed) and 2025 strings."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.formats import builders
from tests.formats.conftest import run
from tests.formats.tamper import name, scalars, tampered
from verifier.tree.formats import verify_file

BAL = [
    {"BTC": "0.00010000", "ETH": "0", "USDT": "4372722.80025793", "USDC": "1.5"},
    {"BTC": "0.000098", "ETH": "2", "USDT": "0.00000001", "USDC": "0"},
    {"BTC": "2001249.79108457", "ETH": "1999998.0656526", "USDT": "0.10", "USDC": "0"},
    {"BTC": "0", "ETH": "0", "USDT": "0", "USDC": "0"},
]


def doc(numeric: bool, index: int = 1) -> str:
    return builders.bitget(BAL, index, numeric=numeric)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "merkel_tree_bg.json"
    p.write_text(text)
    return p


def root(text: str) -> str:
    return str(json.loads(text)["path"][-1]["merkelLeaf"])


@pytest.mark.parametrize("numeric", [True, False])
def test_both_generations_verify(tmp_path: Path, numeric: bool) -> None:
    text = doc(numeric)
    v = verify_file(write(tmp_path, text), commitment=root(text))
    assert v.format == "bitget" and v.included, v.failure
    assert any("truncated to 64 bits" in w for w in v.weaknesses)
    assert any("written scale is hashed" in w for w in v.weaknesses) == numeric


def test_2022_written_scale_is_part_of_the_hash(tmp_path: Path) -> None:
    text = doc(True)
    assert '"BTC":0.000098' in text
    rescaled = text.replace('"BTC":0.000098', '"BTC":0.0000980', 1)  # same value, another scale
    v = verify_file(write(tmp_path, rescaled))
    assert not v.included and v.failure and v.failure.startswith("leaf (self)")


def test_2025_trailing_zeros_do_not_matter(tmp_path: Path) -> None:
    text = doc(False, 2)
    assert '"USDT": "0.10"' in text
    assert verify_file(write(tmp_path, text.replace('"USDT": "0.10"', '"USDT": "0.1"', 1))).included


UNBOUND = {"self.auditId", "self.level", "self.role", "path.1.level", "path.1.role"} | {
    f"path.{i}.auditId" for i in range(3)
}


def test_every_one_field_tampering_fails_unless_unbound(tmp_path: Path) -> None:
    """String generation; unbound: auditId, the level of a right-hand child (the
    parent's level is the left child's minus one: here self and path.1 are on the
    right), and a role changed from 2 to 3 (anything but 1 means right)."""
    text = doc(False)
    original: Any = json.loads(text)
    seen = set()
    for field in scalars(original):
        r = run(
            str(write(tmp_path, json.dumps(tampered(original, field)))), "--commitment", root(text)
        )
        if name(field) in UNBOUND:
            assert r.exit_code == 0, (name(field), r.output)
            seen.add(name(field))
        else:
            assert r.exit_code in (1, 2) and (
                "NOT INCLUDED" in r.stdout or "por: error:" in r.stderr
            ), name(field)
    assert seen == UNBOUND


def test_negative_and_mixed_generations(tmp_path: Path) -> None:
    bal = [dict(b) for b in BAL]
    bal[0]["USDC"] = "-1.5"
    r = run(str(write(tmp_path, builders.bitget(bal, 1, numeric=False))))
    assert r.exit_code == 1 and "negative balance at path.0: USDC -1.5" in r.stdout, r.output
    mixed = json.loads(doc(False))
    mixed["self"]["balances"]["BTC"] = Decimal(1)
    text = json.dumps(mixed, default=str).replace('"BTC": "1"', '"BTC": 1', 1)
    r = run(str(write(tmp_path, text)))
    assert r.exit_code == 2 and "mixes JSON numbers and strings" in r.stderr
