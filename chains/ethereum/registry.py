"""The EVM chains known by name (`evm:<name>`): chain id, native asset, default depth
and whether Multicall3 is deployed, from the data file registry.toml shipped beside
this module.

Why a loader here and not through verifier/io: `chains` may not import `verifier`,
and the adapters need the registry themselves (default confirmations, Multicall3).
The file is package data, not user input, so verifier/io's size and nesting limits
have nothing to guard; what it does need is the same strictness, which the pydantic
model below gives: an unknown key, a missing field, a name or chain id twice, or a
testnet of no listed mainnet refuses the whole file at first use (and in the tests),
never a silently wrong entry.
"""

import tomllib
from functools import cache
from importlib import resources
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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


class _RegistryFile(BaseModel):
    model_config = _STRICT

    chain: Annotated[list[EvmChain], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
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


def parse_registry(text: str) -> tuple[EvmChain, ...]:
    """The chains of a registry file's text; raises ValueError (pydantic's
    ValidationError or tomllib's TOMLDecodeError) on any fault."""
    return tuple(_RegistryFile.model_validate(tomllib.loads(text)).chain)


@cache
def chains() -> tuple[EvmChain, ...]:
    """The shipped registry, in file order (read once)."""
    text = resources.files("chains.ethereum").joinpath("registry.toml").read_text("utf-8")
    return parse_registry(text)


def by_name(name: str) -> EvmChain | None:
    return next((c for c in chains() if c.name == name), None)


def by_id(chain_id: int) -> EvmChain | None:
    return next((c for c in chains() if c.chain_id == chain_id), None)
