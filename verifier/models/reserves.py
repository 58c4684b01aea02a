"""What `por reserves check` finds: a published list's rows against the chains.

Amounts are integers in the chain's base units written as strings (satoshi, wei),
so that JavaScript readers keep every digit; `claimed` is also kept as the list
wrote it. A figure that could not be had is null, never 0.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from verifier.models.check import Status

FORMAT: Literal["por-reserves-check-v1"] = "por-reserves-check-v1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RowCheck(_Frozen):
    line: int
    coin: str
    chain: str  # as read (`bitcoin:mainnet`, `evm:ethereum`) or the vendor's network
    address: str
    height: int | None
    block_hash: str | None  # the block the balance was read at, pinned
    decimals: int | None
    claimed_text: str | None  # the list's decimal text
    claimed: str | None  # base units
    on_chain: str | None  # base units
    difference: str | None  # on chain minus claimed, base units
    ownership: Status
    ownership_reason: str
    balance: Status
    balance_reason: str
    status: Status


class CoinTotal(_Frozen):
    coin: str
    decimals: int | None
    rows: int
    rows_read: int
    claimed_text: str  # the exact sum of the list's decimal texts
    claimed: str | None  # base units, when the coin's decimals are known
    on_chain: str | None  # base units, only when every row of the coin was read
    difference: str | None


class ReservesCheck(_Frozen):
    format: Literal["por-reserves-check-v1"] = FORMAT
    file: str
    list_format: str
    rows: list[RowCheck]
    totals: list[CoinTotal]
    status: Status
