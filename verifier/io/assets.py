"""The ordered asset list a user types (`--assets BTC:8,ETH:18,USDT:6`), into the
tree's asset specs."""

from pydantic import ValidationError

from verifier.errors import OptionError
from verifier.io.documents import as_input_error
from verifier.models.asset import AssetSpec


def parse_asset_list(text: str) -> list[AssetSpec]:
    """Parse "BTC:8,ETH:18,USDT:6" into an ordered asset list."""
    assets: list[AssetSpec] = []
    for i, item in enumerate(text.split(",")):
        symbol, colon, decimals = item.strip().partition(":")
        if not colon or not decimals.isascii() or not decimals.isdigit():
            raise OptionError("assets", f"{item!r} is not SYMBOL:DECIMALS", field=f"item {i + 1}")
        try:
            assets.append(AssetSpec(symbol=symbol, decimals=int(decimals)))
        except ValidationError as e:
            problem = as_input_error("assets", e).problem
            raise OptionError("assets", problem, field=f"item {i + 1}") from None
    symbols = [a.symbol for a in assets]
    if len(set(symbols)) != len(symbols):
        raise OptionError("assets", "an asset symbol is listed twice")
    return assets
