"""The result of one check, the unit every verifier in the project reports in."""

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    # The check could not run (a source missing or unreachable, no published
    # value to compare with): never to be read as a pass.
    INCONCLUSIVE = "inconclusive"


class CheckResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    status: Status
    reason: str = ""
    expected: Any = None
    actual: Any = None
    evidence: Any = None

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


def all_of(statuses: Iterable[Status]) -> Status:
    """Any fail fails; else any inconclusive is inconclusive; else pass."""
    seen = set(statuses)
    if Status.FAIL in seen:
        return Status.FAIL
    if Status.INCONCLUSIVE in seen:
        return Status.INCONCLUSIVE
    return Status.PASS


def overall(results: list[CheckResult]) -> Status:
    """all_of the results' statuses; an empty list proves nothing."""
    if not results:
        return Status.INCONCLUSIVE
    return all_of(r.status for r in results)


EXIT_CODES = {Status.PASS: 0, Status.FAIL: 1, Status.INCONCLUSIVE: 2}
