"""verifier/tree/poseidon.py against circomlibjs (npm), an implementation written by
others: its constants table, its reference (unoptimized, other constants) permutation
of every width the vendors use, and the vendors' chaining of long inputs."""

import json
import random
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from verifier.tree import poseidon

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "support" / "circomlib_poseidon.mjs"
Q = poseidon.MODULUS

_rng = random.Random(14)
STATES = [
    [_rng.randrange(Q) if k else edge for k in range(t)]
    for t in range(2, 14)
    for edge in (0, 1, Q - 1, _rng.randrange(Q))
]
# Lengths around the block of 12, and those the formats hash: 2 (a node), 4 (Gate's and
# HTX's leaf), 5 (Binance's leaf), 100 and 1000 (Binance's asset tiers of 50 and 500),
# 174 (HTX's asset slots), 534 (Gate's).
LENGTHS = [1, 2, 3, 4, 5, 11, 12, 13, 23, 24, 25, 100, 174, 534, 1000]
CHAINS = [[_rng.randrange(2**192) for _ in range(n)] for n in LENGTHS]


@cache
def circomlibjs() -> Any:
    if not (ROOT / "node_modules" / "circomlibjs").is_dir():
        raise RuntimeError("node_modules/circomlibjs is missing: run ./tasks test once")
    request = json.dumps(
        {
            "states": [[str(x) for x in s] for s in STATES],
            "chains": [[str(x) for x in c] for c in CHAINS],
        }
    )
    out = subprocess.run(
        ["node", str(SCRIPT)],
        input=request,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(out.stdout)


def test_the_constants_are_circomlibs() -> None:
    ours = json.loads(poseidon.CONSTANTS.read_text())
    theirs = circomlibjs()["constants"]
    assert len(ours["C"]) == 12  # widths 2 to 13
    for key in ("C", "S"):
        for width, row in enumerate(ours[key]):
            assert [int(x, 16) for x in row] == [int(x, 16) for x in theirs[key][width]], (
                key,
                width,
            )
    for key in ("M", "P"):
        for width, matrix in enumerate(ours[key]):
            got = [[int(x, 16) for x in r] for r in matrix]
            assert got == [[int(x, 16) for x in r] for r in theirs[key][width]], (key, width)


@pytest.mark.parametrize("i", range(len(STATES)))
def test_the_permutation_is_circomlibs_reference(i: int) -> None:
    """circomlibjs's reference Poseidon uses the unoptimized constants and rounds: an
    equal answer checks the optimized form as well as the table."""
    assert poseidon.permutation(STATES[i]) == [int(x) for x in circomlibjs()["permuted"][i]]


@pytest.mark.parametrize("i", range(len(CHAINS)))
def test_long_inputs_chain_as_the_vendors_do(i: int) -> None:
    assert poseidon.hash_elements(CHAINS[i]) == int(circomlibjs()["chained"][i]), LENGTHS[i]


def test_the_digest_is_lane_one_not_circomlibs_lane_zero() -> None:
    state = poseidon.permutation([0, 1, 2])
    assert poseidon.hash_elements([1, 2]) == state[1] != state[0]
    # circomlib's Poseidon([1, 2]), the value every circom user knows, is lane 0:
    assert state[0] == 7853200120776062878684798364095072458815029376092732009249414926327459813530


@pytest.mark.parametrize("bad", [[], [Q], [1, -1], [1, Q + 5]])
def test_inputs_outside_the_field_are_refused(bad: list[int]) -> None:
    with pytest.raises(ValueError):
        poseidon.hash_elements(bad)
