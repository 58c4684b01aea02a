"""Every one-field tampering of a valid proof is rejected, with the right exit code and reason:
1 when the file has the spec's shape but a check fails, 2 when it is malformed."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tree.helpers import run
from verifier.io.documents import field_path
from verifier.tree.verify import NOT_COMPARED

Proof = dict[str, Any]


def verify(tmp_path: Path, proof: Proof | str, *extra: str) -> Any:
    path = tmp_path / "proof.json"
    path.write_text(proof if isinstance(proof, str) else json.dumps(proof))
    return run("inclusion", "verify", str(path), *extra)


def flip_hex(h: str, at: int = 0) -> str:
    return h[:at] + format(int(h[at], 16) ^ 1, "x") + h[at + 1 :]


def commitment_of(built_tree: Path) -> str:
    return str(json.loads((built_tree / "out" / "root.json").read_text())["root_commitment"])


def test_valid_proof_with_published_commitment_passes(
    tmp_path: Path, built_tree: Path, bob_proof: Proof
) -> None:
    r = verify(tmp_path, bob_proof, "--commitment", commitment_of(built_tree))
    assert r.exit_code == 0, r.output
    assert "INCLUDED" in r.stdout and "warning" not in r.stdout


def test_without_commitment_it_says_the_root_was_not_compared(
    tmp_path: Path, bob_proof: Proof
) -> None:
    r = verify(tmp_path, bob_proof)
    # Inconclusive since issue 10 (exit 0 with a warning before): every step still runs
    # and is shown, and the verdict is the sentence that the root was not compared.
    assert r.exit_code == 2
    lines = r.stdout.splitlines()
    assert lines[0] == f"INCONCLUSIVE (por-mst-v1): {NOT_COMPARED}"
    assert lines[1].startswith(f"every check passed up to root {bob_proof['root_commitment']}")
    assert "--root root.json" in lines[1] and lines[2].startswith(
        f"account {bob_proof['account_id']}"
    )
    assert r.stderr == ""


def test_other_published_commitment_fails_step_6(
    tmp_path: Path, built_tree: Path, bob_proof: Proof
) -> None:
    r = verify(tmp_path, bob_proof, "--commitment", flip_hex(commitment_of(built_tree), 10))
    assert r.exit_code == 1 and "step 6" in r.stdout


def _set(proof: Proof, path: tuple[Any, ...], value: Any) -> Proof:
    p = copy.deepcopy(proof)
    target = p
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return p


def _get(proof: Proof, path: tuple[Any, ...]) -> Any:
    for key in path:
        proof = proof[key]
    return proof


def hash_fields(proof: Proof) -> list[tuple[Any, ...]]:
    return [("nonce",), ("root", "hash"), ("root_commitment",)] + [
        ("siblings", level, "hash") for level in range(proof["height"])
    ]


def sum_fields(proof: Proof) -> list[tuple[Any, ...]]:
    k = len(proof["assets"])
    fields: list[tuple[Any, ...]] = [("balances", i) for i in range(k)]
    fields += [("root", "sums", i) for i in range(k)]
    fields += [("siblings", level, "sums", i) for level in range(proof["height"]) for i in range(k)]
    return fields


def test_every_hash_byte_of_every_field_is_checked(tmp_path: Path, bob_proof: Proof) -> None:
    for field in hash_fields(bob_proof):
        for at in (0, 31, 63):
            r = verify(tmp_path, _set(bob_proof, field, flip_hex(_get(bob_proof, field), at)))
            assert r.exit_code == 1, (field, at, r.output)
            assert "NOT INCLUDED" in r.stdout


def test_every_sum_plus_or_minus_one_is_rejected(tmp_path: Path, bob_proof: Proof) -> None:
    for field in sum_fields(bob_proof):
        value = int(_get(bob_proof, field))
        for delta in (1, -1):
            if value + delta < 0:
                continue  # a negative is malformed, tested below
            r = verify(tmp_path, _set(bob_proof, field, str(value + delta)))
            assert r.exit_code == 1, (field, delta, r.output)


def test_failures_name_their_step_and_level(tmp_path: Path, bob_proof: Proof) -> None:
    cases = {
        ("siblings", 2, "sums", 0): (
            str(2**128),
            "step 3 (path), level 2: sibling sum of BTC is 2^128",
        ),
        ("balances", 1): (str(2**128), "step 2 (leaf): balance of ETH is 2^128"),
        ("root", "hash"): ("0" * 64, "step 4 (root)"),
        ("account_id",): ("mallory", "step 4 (root)"),
        ("snapshot_id",): ("snap-2", "step 5 (commitment)"),
        ("root_commitment",): ("f" * 64, "step 5 (commitment)"),
    }
    for field, (value, reason) in cases.items():
        r = verify(tmp_path, _set(bob_proof, field, value))
        assert r.exit_code == 1 and reason in r.stdout, (field, r.output)


def test_a_sum_that_overflows_on_the_path_is_a_range_failure(
    tmp_path: Path, bob_proof: Proof
) -> None:
    bob_proof["siblings"][0]["sums"][2] = str(2**128 - 1)
    r = verify(tmp_path, bob_proof)
    assert r.exit_code == 1 and "step 3 (path), level 1: sum of USDT is 2^128 or more" in r.stdout


def test_index_and_sibling_side(tmp_path: Path, bob_proof: Proof) -> None:
    for level in range(bob_proof["height"]):
        r = verify(tmp_path, _set(bob_proof, ("index",), bob_proof["index"] ^ (1 << level)))
        assert r.exit_code == 1 and "step 4 (root)" in r.stdout, level


def test_truncated_or_extended_path(tmp_path: Path, bob_proof: Proof) -> None:
    shorter = copy.deepcopy(bob_proof)
    shorter["siblings"].pop()
    assert verify(tmp_path, shorter).exit_code == 2  # height no longer matches the path
    shorter["height"] -= 1
    shorter["index"] %= 1 << shorter["height"]
    assert verify(tmp_path, shorter).exit_code == 1  # consistent shape, wrong root
    longer = copy.deepcopy(bob_proof)
    longer["siblings"].append(longer["siblings"][-1])
    assert verify(tmp_path, longer).exit_code == 2
    longer["height"] += 1
    assert verify(tmp_path, longer).exit_code == 1


def test_height_alone_changed_is_malformed(tmp_path: Path, bob_proof: Proof) -> None:
    for h in (bob_proof["height"] - 1, bob_proof["height"] + 1, 0, 65):
        assert verify(tmp_path, _set(bob_proof, ("height",), h)).exit_code == 2


def test_asset_order_decimals_and_symbols_are_bound_by_the_commitment(
    tmp_path: Path, bob_proof: Proof
) -> None:
    swapped = copy.deepcopy(bob_proof)
    swapped["assets"][0], swapped["assets"][1] = swapped["assets"][1], swapped["assets"][0]
    decimals = _set(bob_proof, ("assets", 2, "decimals"), 2)
    symbol = _set(bob_proof, ("assets", 2, "symbol"), "USDC")
    for p in (swapped, decimals, symbol):
        r = verify(tmp_path, p)
        assert r.exit_code == 1 and "step 5 (commitment)" in r.stdout


@pytest.mark.parametrize(
    "text", ["-5", "+5", "1e3", "05", "5.0", "-0", "\u0665", " 5", "5 ", "0x5", ""]
)
def test_non_canonical_integers_are_malformed(tmp_path: Path, bob_proof: Proof, text: str) -> None:
    for field in (("balances", 0), ("siblings", 1, "sums", 2), ("root", "sums", 1)):
        r = verify(tmp_path, _set(bob_proof, field, text))
        assert r.exit_code == 2, (field, text)
        # Field paths are written one way in every message: balances[0], siblings[3].sums.
        assert "not a canonical integer" in r.stderr and field_path(field) in r.stderr


def test_bare_json_numbers_are_malformed(tmp_path: Path, bob_proof: Proof) -> None:
    r = verify(tmp_path, _set(bob_proof, ("balances", 0), 5))
    assert r.exit_code == 2 and "balances[0]" in r.stderr


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p: p.pop("nonce"),
        lambda p: p.update(extra=1),
        lambda p: p.update(height="6"),
        lambda p: p.update(index=-1),
        lambda p: p.update(index=1 << 6),
        lambda p: p.update(nonce=p["nonce"][:-2]),
        lambda p: p.update(nonce=p["nonce"].upper()),
        lambda p: p.update(format="por-mst-v2"),
        lambda p: p["balances"].pop(),
        lambda p: p["siblings"][3]["sums"].append("0"),
        lambda p: p["root"].update(hash=p["root"]["hash"] + "00"),
        lambda p: p.update(assets=[]),
        lambda p: p["assets"][0].update(decimals=37),
        lambda p: p["siblings"][0].update(extra="x"),
    ],
)
def test_shape_errors_are_malformed_with_one_line(
    tmp_path: Path, bob_proof: Proof, mutate: Any
) -> None:
    mutate(bob_proof)
    r = verify(tmp_path, bob_proof)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("por: error: ") and "proof.json" in lines[0]
    assert "Traceback" not in r.output


def test_not_json_is_malformed(tmp_path: Path) -> None:
    r = verify(tmp_path, "{not json")
    assert r.exit_code == 2 and "not valid JSON" in r.stderr


@settings(
    max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(data=st.data())
def test_any_single_value_change_is_caught(
    tmp_path: Path, bob_proof: Proof, data: st.DataObject
) -> None:
    """Property: changing any one hash character or amount never leaves a proof included."""
    fields = hash_fields(bob_proof) + sum_fields(bob_proof)
    field = data.draw(st.sampled_from(fields))
    old = _get(bob_proof, field)
    if field in sum_fields(bob_proof):
        new = str(data.draw(st.integers(0, 2**130).filter(lambda v: v != int(old))))
    else:
        at = data.draw(st.integers(0, 63))
        new = (
            old[:at]
            + data.draw(st.sampled_from([c for c in "0123456789abcdef" if c != old[at]]))
            + old[at + 1 :]
        )
    assert verify(tmp_path, _set(bob_proof, field, new)).exit_code == 1
