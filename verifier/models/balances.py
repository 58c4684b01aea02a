"""The balances file `por reconcile --balances` reads: per wallet, what was found on
chain at the snapshot and whether the ownership proof held. An exchange writes it for
a self-check; `por verify` builds the same data from live reads instead."""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from verifier.models.attestation import Chain
from verifier.models.numbers import Hex32, HexBytes, IntegerText

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class BalanceEntry(BaseModel):
    model_config = _STRICT

    units: IntegerText | None = None
    inconclusive: Annotated[str, StringConstraints(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.units is None) == (self.inconclusive is None):
            raise ValueError("give exactly one of units and inconclusive")
        return self


class OwnershipEntry(BaseModel):
    model_config = _STRICT

    status: Literal["verified", "failed", "inconclusive"]
    reason: str = ""


class WalletBalances(BaseModel):
    model_config = _STRICT

    chain: Chain
    address: Annotated[str, StringConstraints(min_length=1)] | None = None
    script: HexBytes | None = None
    height: Annotated[int, Field(ge=0)] | None = None
    block_hash: Hex32 | None = None
    balances: dict[Annotated[str, StringConstraints(min_length=1, max_length=32)], BalanceEntry]
    ownership: OwnershipEntry

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if (self.address is None) == (self.script is None):
            raise ValueError("give exactly one of address and script")
        if (self.height is None) != (self.block_hash is None):
            raise ValueError("give both height and block_hash, or neither")
        return self

    @property
    def locator(self) -> str:
        return self.address if self.address is not None else f"script:{self.script}"


class BalancesFile(BaseModel):
    model_config = _STRICT

    format: Literal["por-balances-v1"]
    wallets: list[WalletBalances]
