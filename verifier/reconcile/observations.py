"""What the chains and the ownership verifiers found, as the reconciler takes it.

Plain dataclasses, so that the reconciler depends on no chain or signature code: the
`por verify` pipeline fills them from live reads, `por reconcile` from a file.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from verifier.i18n import N_


class OwnershipStatus(StrEnum):
    VERIFIED = N_("verified")  # the values are shown as a check's actual
    FAILED = N_("failed")
    INCONCLUSIVE = N_("inconclusive")


@dataclass(frozen=True)
class Unknown:
    """A balance that could not be read; the reason goes into every check that needed it."""

    reason: str


Balance = int | Unknown


@dataclass(frozen=True)
class ReadAt:
    """The block a balance was read at; it must be the snapshot's block."""

    height: int
    block_hash: str


@dataclass(frozen=True)
class WalletObservation:
    balances: Mapping[str, Balance]  # asset symbol -> base units, or why unknown
    ownership: OwnershipStatus
    ownership_reason: str = ""
    read_at: ReadAt | None = None
    evidence: Any = None


WalletKey = tuple[str, str]
"""(chain, locator): the attestation wallet's chain and its address (or "script:<hex>")."""


@dataclass(frozen=True)
class Observations:
    wallets: Mapping[WalletKey, WalletObservation] = field(default_factory=dict)

    def get(self, key: WalletKey) -> WalletObservation | None:
        return self.wallets.get(key)
