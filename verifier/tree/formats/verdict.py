"""The one answer every format gives, and the weaknesses several formats share."""

from dataclasses import dataclass, field
from typing import Literal

SUM_ONLY = (
    "parent hash binds only the sum of its children, not each child's balance: "
    "two customers can be shown different splits of one sum, hiding liabilities"
)
NEGATIVES_ALLOWED = (
    "the format does not forbid negative balances, and the vendor's tool accepts them: "
    "a negative node cancels real liabilities"
)

ROUNDED_DOWN = (
    "every sum is rounded down to {places} decimals: amounts beyond that are dropped "
    "from the totals, one node at a time"
)


def truncated(bits: int) -> str:
    return (
        f"hash truncated to {bits} bits: two nodes with the same hash take about "
        f"2^{bits // 2} tries to find, a second node matching a given one about 2^{bits}"
    )


@dataclass(frozen=True)
class Verdict:
    """What one verification found.

    `included` is True when every step of the vendor's definition (and our stricter
    checks) passed and, when a published value was given, the root matched it.
    `compared` says whether a published value was given: without one, a file that
    checks is inconclusive (verifier.tree.verify.NOT_COMPARED), never a pass. `negatives` lists where a
    negative balance was seen: such a proof fails (exit 1) even when it verifies, and
    whether or not its root was compared (a failure outranks an inconclusive).
    `scope` says what was checked: one customer's proof, or a whole published tree
    node by node.
    """

    format: str
    included: bool
    root: str
    compared: bool
    failure: str | None = None
    weaknesses: list[str] = field(default_factory=list)
    negatives: list[str] = field(default_factory=list)
    account: str = ""
    balances: dict[str, str] = field(default_factory=dict)
    scope: str = "proof"

    @property
    def status(self) -> Literal["pass", "fail", "inconclusive"]:
        if not self.included or self.negatives:
            return "fail"
        return "pass" if self.compared else "inconclusive"

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "fail": 1, "inconclusive": 2}[self.status]


def conclude(
    fmt: str,
    *,
    failure: str | None,
    root: str,
    published: str | None,
    weaknesses: list[str],
    negatives: list[str],
    account: str = "",
    balances: dict[str, str] | None = None,
    scope: str = "proof",
) -> Verdict:
    """Compare the root reached with the published value and assemble the verdict
    (without a published value it says so itself: see Verdict.status)."""
    if failure is None and published is not None and root.lower() != published.lower():
        failure = f"published root: the file leads to root {root}, not the published {published}"
    notes = list(weaknesses)
    if negatives:
        notes.append(f"a node on the path has a negative balance: {negatives[0]}")
    return Verdict(
        format=fmt,
        included=failure is None,
        root=root,
        compared=published is not None,
        failure=failure,
        weaknesses=notes,
        negatives=negatives,
        account=account,
        balances=balances or {},
        scope=scope,
    )
