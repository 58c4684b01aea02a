"""An asset as a liability tree and a ledger name it: a symbol and its decimals."""

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AssetSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    symbol: str = Field(min_length=1)
    decimals: int = Field(ge=0, le=36)

    @field_validator("symbol")
    @classmethod
    def _symbol_bytes(cls, v: str) -> str:
        if not 1 <= len(v.encode()) <= 32:
            raise ValueError("symbol must be 1 to 32 bytes of UTF-8")
        return v
