"""gate-zk: Gate's customer file of its zk proof of solvency (config/user_config.json),
as Gate's verifier defines it (gateio/proof-of-reserves @87db18dfda53f817523c4d0ce990710b44dc0d0c,
GPL-3.0: only its facts are used). The family's rule is in zk.py; Gate's part:

- fields Arrangement (account index, uint32), UniqueIdentification (account id hash),
  TotalAssetEquity and TotalAssetDebt (big.Int), AssetDetails [{Index uint16, Equity
  uint64, Debt uint64}], TreeRootHash, MerkleProofEncode (config/config.go UserConfig,
  utils/types.go AccountAsset);
- the assets fill 800 slots by Index (utils/constants.go AssetCounts; UserVerify in
  service/verify_service/service.go), each slot (Equity, Debt), empty slots zero; the
  1,600 values are packed three to a field element, 534 elements, and Poseidon of them
  is the asset commitment (utils/utils.go ComputeUserAssetsCommitment, SelectAssetValue);
- leaf = Poseidon(UniqueIdentification, TotalAssetEquity, TotalAssetDebt, commitment)
  (UserVerify), then the 28-level path (utils/account_tree.go VerifyMerkleProof).

Gate's own sample (config/user_config.json at that commit) reaches its TreeRootHash
2e7e01ad...78e6 under this rule: it is the family's hashing vector. Its 28 siblings are
empty subtrees: a tree of one account.
"""

from typing import Any

from verifier.tree import poseidon
from verifier.tree.formats import source, zk
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict

NAME = "gate-zk"
TAKES_TREE = False
FIELDS = zk.Fields(
    index="Arrangement",
    account="UniqueIdentification",
    totals=("TotalAssetEquity", "TotalAssetDebt"),
    assets="AssetDetails",
    root="TreeRootHash",
    proof="MerkleProofEncode",
)
REQUIRED: tuple[str, ...] = FIELDS.required
SLOTS = 800
WEAKNESSES = zk.WEAKNESSES


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def assets(doc: Doc, top: dict[str, Any]) -> tuple[int, list[str]]:
    """800 slots of (Equity, Debt), three values to a field element."""
    listed = zk.entries(doc, top.get(FIELDS.assets), FIELDS.assets, ("Index", "Equity", "Debt"))
    values = [0] * (2 * SLOTS)
    for slot, (where, a) in zk.slots(doc, listed, FIELDS.assets, SLOTS).items():
        values[2 * slot] = zk.number(doc, a["Equity"], f"{where}.Equity", zk.U64)
        values[2 * slot + 1] = zk.number(doc, a["Debt"], f"{where}.Debt", zk.U64)
    return poseidon.hash_elements(zk.packed(values)), []


def verify(doc: Doc, request: Request) -> Verdict:
    return zk.verify(doc, request, name=NAME, fields=FIELDS, assets=assets, weaknesses=WEAKNESSES)
