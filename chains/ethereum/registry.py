"""The EVM chains known by name (`evm:<name>`): chain id, native asset, default depth
and whether Multicall3 is deployed; and the ERC-20 contracts whose balances reserve
lists claim by symbol (`USDT-ERC20`), with their decimals; from the data file
registry.toml shipped beside this module.

Why a loader here and not through verifier/io: `chains` may not import `verifier`,
and the adapters need the registry themselves (default confirmations, Multicall3).
The file is package data, not user input, so verifier/io's size and nesting limits
have nothing to guard; what it does need is the same strictness, which the pydantic
model below gives: an unknown key, a missing field, a name or chain id twice, or a
testnet of no listed mainnet refuses the whole file at first use (and in the tests),
never a silently wrong entry. A token's address must be written with its EIP-55
checksum, so that a mistyped digit is caught here, not read as another contract.
"""

import tomllib
from functools import cache
from importlib import resources
from typing import Annotated, Self

from eth_utils import is_checksum_address
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class EvmChain(BaseModel):
    """One registered chain."""

    model_config = _STRICT

    name: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")]
    chain_id: Annotated[int, Field(ge=1, lt=2**64)]
    native: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{0,15}$")]
    decimals: Annotated[int, Field(ge=0, le=36)]
    confirmations: Annotated[int, Field(ge=1)]
    multicall3: bool
    testnet_of: str | None = None


class EvmToken(BaseModel):
    """An ERC-20 contract a list's coin names (`USDT` on `ethereum`)."""

    model_config = _STRICT

    chain: str  # a registered chain's name
    symbol: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9.]{0,15}$")]
    address: str
    decimals: Annotated[int, Field(ge=0, le=36)]

    @field_validator("address")
    @classmethod
    def _checksummed(cls, value: str) -> str:
        if not is_checksum_address(value):
            raise ValueError("is not a 20-byte address with its EIP-55 checksum")
        return value


class Registry(BaseModel):
    model_config = _STRICT

    chain: Annotated[list[EvmChain], Field(min_length=1)]
    token: list[EvmToken] = []

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        tokens = [(t.chain, t.symbol) for t in self.token]
        for t in self.token:
            if t.chain not in {c.name for c in self.chain}:
                raise ValueError(f"token {t.symbol}: chain {t.chain!r} is not listed")
            if tokens.count((t.chain, t.symbol)) > 1:
                raise ValueError(f"token {t.symbol} on {t.chain} is listed twice")
        names = [c.name for c in self.chain]
        ids = [c.chain_id for c in self.chain]
        for c in self.chain:
            if names.count(c.name) > 1:
                raise ValueError(f"name {c.name!r} is listed twice")
            if ids.count(c.chain_id) > 1:
                raise ValueError(f"chain id {c.chain_id} is listed twice")
            mainnets = {m.name for m in self.chain if m.testnet_of is None}
            if c.testnet_of is not None and c.testnet_of not in mainnets:
                raise ValueError(f"{c.name}: testnet_of {c.testnet_of!r} is no mainnet entry")
        return self


def parse_registry(text: str) -> Registry:
    """A registry file's text; raises ValueError (pydantic's ValidationError or
    tomllib's TOMLDecodeError) on any fault."""
    return Registry.model_validate(tomllib.loads(text))


@cache
def _shipped() -> Registry:
    text = resources.files("chains.ethereum").joinpath("registry.toml").read_text("utf-8")
    return parse_registry(text)


def chains() -> tuple[EvmChain, ...]:
    """The shipped registry's chains, in file order (read once)."""
    return tuple(_shipped().chain)


def by_name(name: str) -> EvmChain | None:
    return next((c for c in chains() if c.name == name), None)


def by_id(chain_id: int) -> EvmChain | None:
    return next((c for c in chains() if c.chain_id == chain_id), None)


def token(chain_id: int, symbol: str) -> EvmToken | None:
    """The contract of `symbol` (as a list's coin names it, any case) on a chain."""
    chain = by_id(chain_id)
    if chain is None:
        return None
    return next(
        (t for t in _shipped().token if t.chain == chain.name and t.symbol == symbol.upper()),
        None,
    )
