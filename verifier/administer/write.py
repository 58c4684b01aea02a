"""A plan's files in PLAN_DIR: plan.parquet and plan.csv (one row per account and
asset), summary.json, and the entitlement tree in PLAN_DIR/tree/.

The entitlement tree is a por-mst-v1 tree built by the tree builder itself: its
assets are the liability tree's, in kind, then the reporting currency (the top-up);
its snapshot id is the plan id. Each leaf's nonce is HMAC-SHA256(the account's nonce
in the liability tree, plan id): secret like the original one (so a proof's
siblings cannot be guessed), derivable by the customer, who holds their original
nonce, and recomputed by `administer check` from accounts.sqlite.
"""

import hmac
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from verifier.administer.plan import Plan
from verifier.io.ledger import BATCH_ROWS, LedgerBatch
from verifier.io.outputs import Outputs
from verifier.models.asset import AssetSpec
from verifier.models.plan import PLAN_COLUMNS, PlanSummary
from verifier.models.tree import TreeRoot
from verifier.reconcile.show import decimal
from verifier.tree.build import TREE_FILES, DerivedNonces, build_tree
from verifier.tree.levels import Progress

# summary.json last: its presence says the plan's files are whole
PLAN_FILES = ("plan.parquet", "plan.csv", "summary.json")
TREE_DIR = "tree"
NONCE_RULE = "hmac-sha256(the account's nonce in the liability tree, plan_id)"
_INT64 = 1 << 63


def declare_plan(outputs: Outputs, plan_dir: Path, flag: str) -> None:
    """PLAN_DIR's files and its tree's, checked before any work."""
    outputs.add_directory(plan_dir, flag, PLAN_FILES)
    outputs.add_directory(plan_dir / TREE_DIR, flag, TREE_FILES)


class Entitlements:
    """A plan's entitlements as the tree builder reads accounts (a `LeafSource`):
    in ledger order, in kind per asset, then the top-up in the reporting currency."""

    def __init__(self, plan: Plan, source: Path) -> None:
        basis = plan.basis
        self.path = source
        currency = AssetSpec(symbol=basis.currency, decimals=basis.currency_decimals)
        self.assets = [a.asset for a in basis.assets] + [currency]
        self.rows = 0
        self.negatives_zeroed = 0
        self._ids = plan.claims.account_ids
        self._columns = [o.paid for o in plan.outcomes] + [plan.fiat]

    def count_rows(self) -> int:
        return len(self._ids)

    def batches(self) -> Iterator[LedgerBatch]:
        for start in range(0, len(self._ids), BATCH_ROWS):
            end = start + BATCH_ROWS
            yield LedgerBatch(
                start + 1, self._ids[start:end], [c[start:end] for c in self._columns]
            )
            self.rows = min(end, len(self._ids))


def entitlement_nonces(plan: Plan) -> DerivedNonces:
    nonces, message = plan.claims.nonces, plan.plan_id.encode()

    def of(batch: LedgerBatch) -> list[bytes]:
        first = batch.first_row - 1
        return [
            hmac.digest(nonce, message, "sha256")
            for nonce in nonces[first : first + len(batch.account_ids)]
        ]

    return DerivedNonces(NONCE_RULE, of)


def build_entitlements(
    plan: Plan,
    height: int,
    tree_dir: Path,
    source: Path,
    outputs: Outputs,
    progress: Progress | None = None,
) -> TreeRoot:
    """The entitlement tree into temporaries of `outputs` (declared: `declare_plan`)."""
    built = build_tree(
        Entitlements(plan, source),
        plan.plan_id,
        height,
        tree_dir,
        entitlement_nonces(plan),
        progress,
        outputs=outputs,
    )
    return built.root


def plan_table(plan: Plan) -> pa.Table:
    """One row per account and asset, accounts in ledger order, assets in the tree's;
    amounts as integer text in base units (they may reach 2^128)."""
    n, k = len(plan.claims.account_ids), len(plan.outcomes)
    # row r is account r // k, asset r % k; asset-major column c is at j * n + i
    account = np.repeat(np.arange(n), k)
    asset = np.tile(np.arange(k), n)
    interleave = asset * n + account

    def amounts(columns: list[list[int]]) -> pa.Array:
        return pa.concat_arrays([_as_text(c) for c in columns]).take(interleave)

    symbols = pa.array([o.basis.asset.symbol for o in plan.outcomes])
    return pa.table(
        [
            pa.array(plan.claims.account_ids, pa.string()).take(account),
            symbols.take(asset),
            amounts(plan.claims.amounts),
            amounts([o.paid for o in plan.outcomes]),
            amounts([o.topups for o in plan.outcomes]),
        ],
        names=list(PLAN_COLUMNS),
    )


def _as_text(values: list[int]) -> pa.Array:
    """Integers as their decimal text: through int64 when every one fits (a hundred
    times faster), else one by one."""
    if not values or max(values) < _INT64:
        return pa.array(values, pa.int64()).cast(pa.string())
    return pa.array([str(v) for v in values], pa.string())


def summarize(plan: Plan, entitlement: TreeRoot) -> PlanSummary:
    basis = plan.basis
    used = sum(sum(o.topups) for o in plan.outcomes)
    needs = sum(sum(o.needs) for o in plan.outcomes)
    return PlanSummary.model_validate(
        dict(
            plan_id=plan.plan_id,
            liability_root_commitment=plan.liability_commitment,
            entitlement_root_commitment=entitlement.root_commitment,
            accounts=len(plan.claims.account_ids),
            currency=basis.currency,
            currency_decimals=basis.currency_decimals,
            assets=[
                dict(
                    symbol=o.basis.asset.symbol,
                    decimals=o.basis.asset.decimals,
                    claims=str(o.claims),
                    verified_holdings=str(o.basis.holdings),
                    holdings_counted_as_zero=o.basis.unknown,
                    distributable=str(o.distributable),
                    ratio=decimal(Fraction(o.distributable, o.claims)) if o.claims else None,
                    paid_in_kind=str(o.paid_total),
                    residue=str(o.distributable - o.paid_total),
                    shortfall=str(o.claims - o.paid_total),
                    price=None if o.basis.price is None else decimal(o.basis.price),
                    shortfall_value=str(sum(o.needs)),
                    fiat_topup=str(sum(o.topups)),
                )
                for o in plan.outcomes
            ],
            reserve=dict(
                rule=plan.rule.value,
                source=basis.reserve_note,
                counted=str(basis.reserve),
                used=str(used),
                left=str(basis.reserve - used),
                unmet=str(needs - used),
            ),
        )
    )


def summary_json(summary: PlanSummary) -> bytes:
    return (summary.model_dump_json(indent=2) + "\n").encode()


def write_plan(
    plan: Plan,
    height: int,
    plan_dir: Path,
    source: Path,
    outputs: Outputs,
    progress: Progress | None = None,
) -> PlanSummary:
    """Every file of the plan into temporaries of `outputs`, which the caller commits."""
    root = build_entitlements(plan, height, plan_dir / TREE_DIR, source, outputs, progress)
    table = plan_table(plan)
    pq.write_table(table, outputs.temporary(plan_dir / "plan.parquet"))
    pacsv.write_csv(table, outputs.temporary(plan_dir / "plan.csv"))
    summary = summarize(plan, root)
    outputs.stage(plan_dir / "summary.json", summary_json(summary))
    return summary
