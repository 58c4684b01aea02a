"""What a signature check concludes: verified, rejected with a reason, or undecided.

Rejections and undecided checks are exceptions so that each parsing or
checking step can stop the check where it finds the problem, with the reason.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verified:
    scheme: str
    detail: str = ""
    evidence: dict[str, str] = field(default_factory=dict)


class Rejected(Exception):
    """The proof is wrong: the reason says which part."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Undecided(Exception):
    """The check could not run (a node unreachable, a rule this verifier cannot apply)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
