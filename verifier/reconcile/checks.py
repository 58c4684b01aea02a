"""Checks as small objects: each knows its id and its method, and `verify()` returns a
CheckResult. AllOf and AnyOf compose them. A composite's result carries its parts'
results in `evidence["parts"]`, in the order of `parts`, so a report can list both."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from verifier.i18n import N_
from verifier.models.check import CheckResult, Status, all_of
from verifier.reconcile.observations import Unknown
from verifier.reconcile.quantity import Quantity

Show = Callable[[Fraction | int], str]

# How many parts of a composite ended one way (the renderers say it in the reader's language).
TALLY = {
    Status.PASS: N_("{count} pass"),
    Status.FAIL: N_("{count} fail"),
    Status.INCONCLUSIVE: N_("{count} inconclusive"),
}


class Check(ABC):
    id: str
    method: str
    """How the check decides, in a sentence an auditor's report can quote."""

    @abstractmethod
    def verify(self) -> CheckResult: ...


class Composite(Check, ABC):
    def __init__(self, id: str, parts: Sequence[Check], method: str) -> None:
        if not parts:
            # A conjunction of nothing is vacuously true; for evidence it proves nothing.
            raise ValueError(f"{id}: a composite check needs at least one part")
        self.id = id
        self.parts = tuple(parts)
        self.method = method

    def verify(self) -> CheckResult:
        results = [p.verify() for p in self.parts]
        status = self.combine([r.status for r in results])
        counts = {s: sum(r.status is s for r in results) for s in Status}
        summary = ", ".join(TALLY[s].format(count=n) for s, n in counts.items() if n)
        not_passed = [r.id for r in results if r.status is not Status.PASS]
        reason = summary
        if not_passed:
            reason = N_("{counts}: {checks}").format(counts=summary, checks=", ".join(not_passed))
        return CheckResult(id=self.id, status=status, reason=reason, evidence={"parts": results})

    @staticmethod
    @abstractmethod
    def combine(statuses: list[Status]) -> Status: ...


class AllOf(Composite):
    @staticmethod
    def combine(statuses: list[Status]) -> Status:
        return all_of(statuses)


class AnyOf(Composite):
    @staticmethod
    def combine(statuses: list[Status]) -> Status:
        if Status.PASS in statuses:
            return Status.PASS
        if Status.INCONCLUSIVE in statuses:
            return Status.INCONCLUSIVE
        return Status.FAIL


class AtLeast(Check):
    """`actual >= required`, both exact; inconclusive when either is unknown."""

    def __init__(
        self,
        id: str,
        method: str,
        actual: Quantity,
        required: Quantity,
        show: Show,
        evidence: Any = None,
    ) -> None:
        self.id, self.method = id, method
        self.actual, self.required, self.show, self.evidence = actual, required, show, evidence

    def holds(self, actual: Fraction | int, required: Fraction | int) -> bool:
        return actual >= required

    relation = ">="

    def verify(self) -> CheckResult:
        a, r = self.actual, self.required
        expected = f"{self.relation} {r.reason if isinstance(r, Unknown) else self.show(r)}"
        shown = None if isinstance(a, Unknown) else self.show(a)
        unknown = [q.reason for q in (a, r) if isinstance(q, Unknown)]
        if unknown:
            return CheckResult(
                id=self.id,
                status=Status.INCONCLUSIVE,
                reason=N_("cannot compare: {reasons}").format(reasons="; ".join(unknown)),
                expected=None if isinstance(r, Unknown) else expected,
                actual=shown,
                evidence=self.evidence,
            )
        assert not isinstance(a, Unknown) and not isinstance(r, Unknown)
        ok = self.holds(a, r)
        return CheckResult(
            id=self.id,
            status=Status.PASS if ok else Status.FAIL,
            reason=""
            if ok
            else N_("{actual} is not {relation} {required}").format(
                actual=self.show(a), relation=self.relation, required=self.show(r)
            ),
            expected=expected,
            actual=shown,
            evidence=self.evidence,
        )


class AtMost(AtLeast):
    """`actual <= limit`."""

    relation = "<="

    def holds(self, actual: Fraction | int, required: Fraction | int) -> bool:
        return actual <= required


class Given(Check):
    """A result decided elsewhere (an ownership proof, a balance read), carried as is."""

    def __init__(self, result: CheckResult, method: str) -> None:
        self.id, self.method, self.result = result.id, method, result

    def verify(self) -> CheckResult:
        return self.result
