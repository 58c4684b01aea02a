"""An asset as a liability tree and a ledger name it: a symbol and its decimals."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from verifier.errors import OptionError


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


def parse_asset_list(text: str) -> list[AssetSpec]:
    """Parse "BTC:8,ETH:18,USDT:6" into an ordered asset list."""
    assets: list[AssetSpec] = []
    for i, item in enumerate(text.split(",")):
        symbol, colon, decimals = item.strip().partition(":")
        if not colon or not decimals.isascii() or not decimals.isdigit():
            raise OptionError("assets", f"{item!r} is not SYMBOL:DECIMALS", field=f"item {i + 1}")
        try:
            assets.append(AssetSpec(symbol=symbol, decimals=int(decimals)))
        except ValueError as e:
            raise OptionError("assets", _first_error(e), field=f"item {i + 1}") from None
    symbols = [a.symbol for a in assets]
    if len(set(symbols)) != len(symbols):
        raise OptionError("assets", "an asset symbol is listed twice")
    return assets


def _first_error(e: ValueError) -> str:
    errors = getattr(e, "errors", None)
    if callable(errors):
        return str(errors()[0]["msg"])
    return str(e)
