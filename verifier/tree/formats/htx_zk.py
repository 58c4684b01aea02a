"""htx-zk: HTX's customer file of its zk proof of solvency ("Merkle Verify Tool V2",
merkle_groth16/src/verifier/config/user_config.json), as HTX's verifier defines it
(huobiapi/Tool-Go-MerkleVerify @bc0adce0d4f16925841be2108e2e65676cfd535f, MIT). The
family's rule is in zk.py; HTX's part:

- fields AccountIndex (uint32), AccountIdHash, TotalEquity and TotalDebt (big.Int),
  Assets [{Index uint16, Balance int64}], Root, Proof (merkle_groth16/src/verifier/
  config/config.go UserConfig, merkle_groth16/src/utils/types.go AccountAsset): Binance's
  names without TotalCollateral, and one signed Balance per asset;
- the assets fill 174 slots by Index (merkle_groth16/src/utils/constants.go
  AssetCounts; 205 in the first commit, f57c44d), empty slots zero, and each slot's
  Balance is one field element: big.Int SetInt64(Balance).Bytes(), the magnitude, so
  -5 hashes as 5 (merkle_groth16/src/utils/utils.go ComputeUserAssetsCommitment);
- leaf = Poseidon(AccountIdHash, TotalEquity, TotalDebt, commitment)
  (merkle_groth16/src/verifier/main.go), then the 28-level path
  (merkle_groth16/src/utils/account_tree.go VerifyMerkleProof);
- Poseidon from bnb-chain/gnark-crypto @7c643ad11891 (go.mod), digest lane 1.

HTX's own sample (merkle_groth16/src/verifier/config/user_config.json, unchanged since
f57c44d) does NOT reach its Root 2d566879...223a under this rule, with 174 slots or the
first commit's 205, nor with lane 0 as the digest: like Binance's, it serves for the
shape only. HTX's file has no name of its own beside Binance's: it is told apart by
lacking TotalCollateral and by its assets' Balance.
"""

from dataclasses import replace
from typing import Any

from verifier.tree import poseidon
from verifier.tree.formats import binance_zk, source, zk
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict

NAME = "htx-zk"
TAKES_TREE = False
# Binance's names without TotalCollateral
FIELDS = replace(binance_zk.FIELDS, totals=("TotalEquity", "TotalDebt"))
REQUIRED: tuple[str, ...] = FIELDS.required
SLOTS = 174
WEAKNESSES = [
    *zk.WEAKNESSES,
    "one signed balance per asset: the leaf does not show equity and debt apart",
    "HTX's own sample does not reach its Root under HTX's published rule: no public "
    "vector confirms the rule for HTX (Gate's confirms the same hashing)",
]


def detect(doc: Doc) -> bool:
    """Binance's keys but TotalCollateral, assets with a Balance."""
    if source.lacking(doc, REQUIRED) != [] or "TotalCollateral" in doc.value:
        return False
    listed = doc.value[FIELDS.assets]
    return isinstance(listed, list) and all(isinstance(a, dict) and "Balance" in a for a in listed)


def assets(doc: Doc, top: dict[str, Any]) -> tuple[int, list[str]]:
    """174 slots of one signed balance each, hashed by magnitude."""
    listed = zk.entries(doc, top.get(FIELDS.assets), FIELDS.assets, ("Index", "Balance"))
    values = [0] * SLOTS
    negatives = []
    for slot, (where, a) in zk.slots(doc, listed, FIELDS.assets, SLOTS).items():
        values[slot] = zk.number(doc, a["Balance"], f"{where}.Balance", zk.I64)
        if values[slot] < 0:
            negatives.append(f"{where}.Balance: {values[slot]}")
    return poseidon.hash_elements([abs(v) for v in values]), negatives


def verify(doc: Doc, request: Request) -> Verdict:
    return zk.verify(doc, request, name=NAME, fields=FIELDS, assets=assets, weaknesses=WEAKNESSES)
