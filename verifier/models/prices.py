"""The prices file `--prices FILE` reads."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from verifier.models.attestation import Currency
from verifier.models.numbers import PositiveDecimalText


class PricesFile(BaseModel):
    """`--prices FILE`: an auditor's own prices, replacing the attestation's one by one."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    format: Literal["por-prices-v1"]
    currency: Currency
    prices: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=32)], PositiveDecimalText
    ]
