"""Poseidon over BN254 as the zk proof-of-solvency family (Binance, Gate, HTX) hashes.

The vendors call gnark-crypto's `poseidon.Poseidon` and `PoseidonBytes` from their own
forks (gatechain/gnark-crypto @05aebc9901cb, pinned by gateio/proof-of-reserves go.mod;
bnb-chain/gnark-crypto @7c643ad11891, pinned by huobiapi/Tool-Go-MerkleVerify go.mod;
both in ecc/bn254/fr/poseidon/poseidon.go). The rule read there:

- the permutation is circomlib's (x^5, 8 full rounds, the partial rounds of the state's
  width, hadeshash's constants), in its optimized form (C, S, M, P); width t runs from
  2 to 13 (`permutation`);
- inputs are absorbed 12 at a time: lane 0 starts at 0, each full block of 12 fills lanes
  1 to 12 of a 13-wide state and is permuted, lane 0 carried forward; a last, shorter
  block of k inputs is permuted in a (k + 1)-wide state (`Poseidon`);
- the digest is lane 1 of the last permutation, not circomlib's lane 0;
- `PoseidonBytes` reads each input as a big-endian integer and panics at or above the
  field's modulus; the `hash.Hash` wrapper (`NewPoseidon`: Write, Sum) hashes what was
  written the same way.

circomlibjs's poseidon(inputs, initState, 2)[1] is the same function for one block
(tests/formats/test_zk_poseidon.py compares every width, and the constants themselves).
No maintained Python package computes it: light-poseidon-python has neither an initial
state nor lane 1, poseidon-hash (ingonyama) prints to stdout while it works and pins
pytest 7.1 at run time, poseidon-py is Starknet's. So it is written here, with the constants copied
from the vendors' fork (poseidon_bn254.json; scripts/poseidon_constants.py says how).
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from verifier.io.files import read_text
from verifier.io.jsontext import parse_json

# BN254's scalar field: every input and digest is below it.
MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617
BLOCK = 12  # inputs absorbed per permutation (gnark-crypto fork: maxLength)
CONSTANTS = Path(__file__).with_name("poseidon_bn254.json")


@dataclass(frozen=True)
class _Width:
    """The constants of one state width, matrices stored by column for the mix."""

    t: int
    partial: int
    c: tuple[int, ...]
    s: tuple[int, ...]
    m: tuple[tuple[int, ...], ...]  # m[i] = column i of M: new[i] = sum(m[i][j] * old[j])
    p: tuple[tuple[int, ...], ...]


@cache
def constants() -> dict[str, Any]:
    """poseidon_bn254.json as written (hex text; the offline page inlines some widths)."""
    doc: dict[str, Any] = parse_json(read_text(CONSTANTS), str(CONSTANTS))
    return doc


@cache
def _widths() -> dict[int, _Width]:
    doc = constants()

    def ints(row: list[str]) -> tuple[int, ...]:
        return tuple(int(x, 16) for x in row)

    def columns(matrix: list[list[str]]) -> tuple[tuple[int, ...], ...]:
        rows = [ints(r) for r in matrix]
        return tuple(tuple(r[i] for r in rows) for i in range(len(rows)))

    if int(doc["full_rounds"]) != 8:
        raise ValueError(f"{CONSTANTS}: 8 full rounds expected")
    return {
        i + 2: _Width(i + 2, int(rp), ints(c), ints(s), columns(m), columns(p))
        for i, (rp, c, s, m, p) in enumerate(
            zip(doc["partial_rounds"], doc["C"], doc["S"], doc["M"], doc["P"], strict=True)
        )
    }


def _mix(state: list[int], matrix: tuple[tuple[int, ...], ...]) -> list[int]:
    return [sum(a * b for a, b in zip(col, state, strict=True)) % MODULUS for col in matrix]


def permutation(state: list[int]) -> list[int]:
    """circomlib's Poseidon permutation of a state of 2 to 13 field elements (optimized
    form: the constants are those of the fork's constants.go, order and all)."""
    w = _widths()[len(state)]
    t, c, q = w.t, w.c, MODULUS
    state = [(a + c[i]) % q for i, a in enumerate(state)]
    for r in range(1, 4):
        state = _mix([(pow(a, 5, q) + c[r * t + i]) % q for i, a in enumerate(state)], w.m)
    state = _mix([(pow(a, 5, q) + c[4 * t + i]) % q for i, a in enumerate(state)], w.p)
    for r in range(w.partial):
        head = (pow(state[0], 5, q) + c[5 * t + r]) % q
        s = w.s[(2 * t - 1) * r : (2 * t - 1) * (r + 1)]
        first = (head * s[0] + sum(a * b for a, b in zip(state[1:], s[1:t], strict=True))) % q
        state = [first, *((a + head * b) % q for a, b in zip(state[1:], s[t:], strict=True))]
    base = 5 * t + w.partial
    for r in range(3):
        state = _mix([(pow(a, 5, q) + c[base + r * t + i]) % q for i, a in enumerate(state)], w.m)
    return _mix([pow(a, 5, q) for a in state], w.m)


def hash_elements(inputs: list[int]) -> int:
    """The fork's Poseidon(inputs...): blocks of 12 carrying lane 0, digest lane 1.

    Every input must be a field element (the vendors panic otherwise): ValueError."""
    if not inputs:
        raise ValueError("Poseidon of no input")
    if any(not 0 <= x < MODULUS for x in inputs):
        raise ValueError("a Poseidon input is not below the BN254 modulus")
    lane0, state = 0, [0]
    for start in range(0, len(inputs), BLOCK):
        state = permutation([lane0, *inputs[start : start + BLOCK]])
        lane0 = state[0]
    return state[1]
