"""What a plan may be made from, checked in the same run: the report is of an
attestation of this tree, and the ledger reproduces the tree (the whole `tree audit`).
The ledger is read once, by the audit, and its accounts kept for the plan."""

from dataclasses import dataclass

from verifier.administer.allocate import ReserveUse
from verifier.administer.basis import plan_basis, report_matches_tree
from verifier.administer.plan import Claims, Plan, make_plan
from verifier.io.ledger import Ledger
from verifier.models.check import CheckResult, Status, overall
from verifier.models.tree import TreeRoot
from verifier.report.model import Report
from verifier.tree.audit import audit_tree
from verifier.tree.store import Accounts


@dataclass(frozen=True)
class Prepared:
    """The checks, and the plan when every one passed (else None)."""

    checks: list[CheckResult]
    plan: Plan | None


def prepare_plan(
    ledger: Ledger,
    root: TreeRoot,
    accounts: Accounts,
    report: Report,
    report_source: str,
    rule: ReserveUse,
) -> Prepared:
    match = report_matches_tree(report, root, report_source)
    if not match.passed:
        return Prepared([match], None)
    basis = plan_basis(report, root, report_source)  # bad input before the long audit
    claims = Claims()
    checks = [match, *audit_tree(ledger, root, accounts, claims.observe).checks]
    if overall(checks) is not Status.PASS:
        return Prepared(checks, None)
    return Prepared(checks, make_plan(claims, basis, rule, root.root_commitment))
