"""binance-zk: the customer file of Binance's zk-SNARK proof of solvency
(src/verifier/config/user_config.json), as Binance's verifier defines it
(binance/zkmerkle-proof-of-solvency @9a3e5b7977440c3ab43a665a950b063094b1e00c, MIT;
the sample and the rules below are unchanged since 5d26d4fc73d5, 2024-09-29). The
family's rule is in zk.py; Binance's part:

- fields AccountIndex (uint32), AccountIdHash, TotalEquity, TotalDebt and
  TotalCollateral (big.Int), Assets [{Index uint16, Equity, Debt, Loan, Margin,
  PortfolioMargin uint64}], Root, Proof (src/verifier/config/config.go UserConfig,
  src/utils/types.go AccountAsset);
- the asset list is padded to its tier, the smallest of 50 and 500 that holds it
  (src/utils/constants.go BatchCreateUserOpsCountsTiers; GetAssetsCountOfUser in
  src/utils/utils.go; more than 500 assets panics): before each asset, empty slots for
  the indexes it skips, while the padding lasts; after the last, empty slots with the
  next indexes (PaddingAccountAssets). It assumes assets in increasing Index order;
- each slot is written as six values (Index, Equity, Debt, Loan, Margin,
  PortfolioMargin), packed three to a field element, and Poseidon of the 2 x tier
  elements is the asset commitment (ComputeUserAssetsCommitment);
- leaf = Poseidon(AccountIdHash, TotalEquity, TotalDebt, TotalCollateral, commitment)
  (src/verifier/main.go; AccountInfoToHash in src/utils/utils.go), then the 28-level
  path (src/utils/merkletree/merkletree.go VerifyProof: Binance's only length check is
  that there are 28 siblings).

Binance's published sample does NOT reach its Root 1a4940fe...668f under this rule
(nor, by shared/external/SOURCES.md, under any tier from 4 to 600, without
TotalCollateral or with lane 0): it is illustrative. It is read for its shape and
fails the root comparison, exit 1, naming the root step; it is never made to pass.

Poseidon: Binance pins bnb-chain/gnark-crypto 609ab3a7eb9b (go.mod replace), which
could not be read here; bnb-chain's forks have returned lane 1 (7c643ad11891, pinned by
HTX) and lane 0 (99f8785b, branch zkbnb-v0.9.1). Lane 1 is taken from the family:
Gate's fork returns it and Gate's sample reaches its root with it. Until a Binance file
reaches a published root, that is an assumption for Binance, said in the weaknesses.
"""

from typing import Any

from verifier.errors import InputError
from verifier.tree import poseidon
from verifier.tree.formats import source, zk
from verifier.tree.formats.source import Doc, Request
from verifier.tree.formats.verdict import Verdict

NAME = "binance-zk"
TAKES_TREE = False
FIELDS = zk.Fields(
    index="AccountIndex",
    account="AccountIdHash",
    totals=("TotalEquity", "TotalDebt", "TotalCollateral"),
    assets="Assets",
    root="Root",
    proof="Proof",
)
REQUIRED: tuple[str, ...] = FIELDS.required
TIERS = (50, 500)
VALUES = ("Equity", "Debt", "Loan", "Margin", "PortfolioMargin")
WEAKNESSES = [
    *zk.WEAKNESSES,
    "Binance's own sample does not reach its Root under Binance's published rule, and the "
    "Poseidon fork Binance pins is not public here: no vector confirms the rule for Binance "
    "(Gate's confirms the same hashing)",
]


def detect(doc: Doc) -> bool:
    return source.lacking(doc, REQUIRED) == []


def padded(assets: list[tuple[int, list[int]]]) -> list[int]:
    """PaddingAccountAssets, flattened: six values per slot, the tier's slots."""
    tier = next(t for t in TIERS if len(assets) <= t)
    budget, used, following = tier - len(assets), 0, 0
    out: list[int] = []
    for index, values in assets:
        for skipped in range(following, index):
            if used >= budget:
                break
            used += 1
            out += [skipped, 0, 0, 0, 0, 0]
        out += [index, *values]
        following = index + 1
    while len(out) < 6 * tier:
        out += [following, 0, 0, 0, 0, 0]
        following += 1
    return out


def assets(doc: Doc, top: dict[str, Any]) -> tuple[int, list[str]]:
    listed = zk.entries(doc, top.get(FIELDS.assets), FIELDS.assets, ("Index", *VALUES))
    if len(listed) > TIERS[-1]:
        raise InputError(
            doc.source,
            FIELDS.assets,
            f"{len(listed)} assets, more than the largest tier {TIERS[-1]}",
        )
    rows: list[tuple[int, list[int]]] = []
    for i, a in enumerate(listed):
        where = f"{FIELDS.assets}.{i}"
        index = zk.number(doc, a["Index"], f"{where}.Index", zk.U16)
        if rows and index <= rows[-1][0]:
            raise InputError(doc.source, f"{where}.Index", "not above the previous asset's Index")
        rows.append((index, [zk.number(doc, a[k], f"{where}.{k}", zk.U64) for k in VALUES]))
    return poseidon.hash_elements(zk.packed(padded(rows))), []


def verify(doc: Doc, request: Request) -> Verdict:
    return zk.verify(doc, request, name=NAME, fields=FIELDS, assets=assets, weaknesses=WEAKNESSES)
