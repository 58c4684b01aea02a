"""The attestation a stablecoin issuer publishes (`kind: "stablecoin"` in the
por-attestation-v1 family): the token on each chain it is issued on, each chain's
pinned block, the addresses whose tokens are not in circulation (the issuer's
unissued treasury, proven like an exchange's wallets, and burn addresses), and the
reserve assets the issuer declares. `schemas/stablecoin-attestation.schema.json` is
exported from it.

Liabilities are read on chain (totalSupply less those addresses' balances), never
declared. Reserve amounts are integers in the minor unit of their currency (cents,
yen); one token is one unit of the peg currency, so a token's base units convert to
the currency's minor units by a power of ten, exactly.
"""

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chains.addresses import normalize
from chains.names import ChainRef
from verifier.models.attestation import (
    Chain,
    Currency,
    Exchange,
    Snapshot,
    Symbol,
    chain_ref,
    unpinned,
)
from verifier.models.numbers import IntegerText
from verifier.models.ownership import OwnershipProof

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

EvmAddress = Annotated[str, StringConstraints(pattern=r"^0x[0-9a-fA-F]{40}$")]
ReserveType = Literal["cash", "bank_deposit", "trust_deposit", "government_bill", "repo", "mmf"]
# What a repo is backed by: government bills, notes or bonds, or anything else.
Collateral = Literal["government_bill", "government_note", "government_bond", "other"]
# Who issues: Japan's Payment Services Act tells a funds transfer service provider's
# coin from a trust company's (and a bank's deposit token); "emi" is an EU e-money
# institution; "other" any issuer a policy's "any" terms cover.
IssuerType = Literal["funds-transfer", "trust", "bank", "emi", "other"]

# Addresses nobody can spend from, accepted as burn addresses without a signature:
# the zero address (ERC-20 contracts mint from it and refuse transfers to it) and
# 0x...dEaD, the conventional burn address whose key nobody is known to hold. Any
# other address that holds tokens out of circulation is a treasury and must be proven.
UNSPENDABLE = frozenset(
    normalize(a)
    for a in (
        "0x0000000000000000000000000000000000000000",
        "0x000000000000000000000000000000000000dEaD",
    )
)
MATURING = ("government_bill", "repo")  # types that must give their maturity


class Deployment(BaseModel):
    """The token's contract on one chain; the chain's block is in the snapshot."""

    model_config = _STRICT

    chain: Chain
    contract: EvmAddress
    decimals: Annotated[int, Field(ge=0, le=36)]


class StablecoinToken(BaseModel):
    model_config = _STRICT

    symbol: Symbol
    # One token is one unit of this currency: a yen coin's token is 1 JPY.
    peg_currency: Currency
    deployments: Annotated[list[Deployment], Field(min_length=1)]


class Treasury(BaseModel):
    """An address of the issuer holding tokens not issued to anyone: they are not
    liabilities, so the issuer proves it controls the address, as an exchange does a
    wallet (the por-ownership:v1 message names the issuer's id as the exchange)."""

    model_config = _STRICT

    chain: Chain
    address: EvmAddress
    ownership_proof: OwnershipProof

    @property
    def locator(self) -> str:
        return self.address


class BurnAddress(BaseModel):
    model_config = _STRICT

    chain: Chain
    address: EvmAddress


class ReserveAsset(BaseModel):
    """One reserve asset as the issuer declares it; the verifier checks what it can
    of it (type, maturity, currency, date), never that it exists."""

    model_config = _STRICT

    type: ReserveType
    amount: IntegerText  # in the currency's minor unit (cents, yen)
    currency: Currency
    custodian: Annotated[str, StringConstraints(min_length=1)]
    as_of: date
    # The day a bill or repo matures, or a time deposit may be withdrawn; absent for
    # money on demand.
    maturity: date | None = None
    collateral: Collateral | None = None  # what a repo is backed by

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.type in MATURING and self.maturity is None:
            raise ValueError(f"a {self.type} needs its maturity")
        if self.type in ("cash", "mmf") and self.maturity is not None:
            raise ValueError(f"a {self.type} has no maturity")
        if (self.type == "repo") != (self.collateral is not None):
            raise ValueError("collateral is given for a repo, and only for a repo")
        if self.maturity is not None and self.maturity < self.as_of:
            raise ValueError("maturity is before as_of")
        return self

    @property
    def category(self) -> str:
        """What a policy names it by: a deposit with a maturity is a time deposit."""
        if self.type in ("bank_deposit", "trust_deposit") and self.maturity is not None:
            return "time_deposit"
        return self.type


class StablecoinAttestation(BaseModel):
    model_config = _STRICT

    format: Literal["por-attestation-v1"]
    kind: Literal["stablecoin"]
    issuer: Exchange
    issuer_type: IssuerType
    token: StablecoinToken
    snapshot: Snapshot
    treasuries: list[Treasury] = []
    burn_addresses: list[BurnAddress] = []
    reserves: Annotated[list[ReserveAsset], Field(min_length=1)]
    policy: Annotated[str, StringConstraints(min_length=1)]  # the policy it claims to meet

    def deployment(self, chain: str) -> Deployment | None:
        return next((d for d in self.token.deployments if d.chain == chain), None)

    def held_out(self, chain: str) -> list[str]:
        """The addresses on `chain` whose tokens are not in circulation, treasuries first."""
        treasuries = [t.address for t in self.treasuries if t.chain == chain]
        return treasuries + [b.address for b in self.burn_addresses if b.chain == chain]

    def problems(self) -> Iterator[tuple[str, str]]:
        """Cross-field faults the field types cannot see: (field path, problem)."""
        chains = [p.chain for p in self.snapshot.chains]
        refs: list[ChainRef | None] = []
        for i, chain in enumerate(chains):
            named = chain_ref(chain)
            if isinstance(named, str):
                yield f"snapshot.chains[{i}].chain", named
            elif named.family != "evm":
                yield f"snapshot.chains[{i}].chain", f"{chain!r} is not an EVM chain"
            elif named in refs or chain in chains[:i]:
                yield f"snapshot.chains[{i}].chain", f"{chain!r} is listed twice"
            refs.append(None if isinstance(named, str) else named)
        deployed: list[str] = []
        for i, d in enumerate(self.token.deployments):
            problem = unpinned(d.chain, chains, refs)
            if problem:
                yield f"token.deployments[{i}].chain", problem
            if d.chain in deployed:
                yield f"token.deployments[{i}].chain", f"{d.chain!r} has two contracts"
            deployed.append(d.chain)
        for i, chain in enumerate(chains):
            if chain not in deployed:
                yield f"snapshot.chains[{i}].chain", f"the token lists no contract on {chain!r}"
        seen: set[tuple[str, str]] = set()
        listed = [("treasuries", t.chain, t.address) for t in self.treasuries]
        listed += [("burn_addresses", b.chain, b.address) for b in self.burn_addresses]
        index = {"treasuries": 0, "burn_addresses": 0}
        for part, chain, address in listed:
            where = f"{part}[{index[part]}]"
            index[part] += 1
            if chain not in deployed:
                yield f"{where}.chain", f"the token lists no contract on {chain!r}"
            key = (chain, normalize(address))
            if key in seen:
                yield f"{where}.address", f"{address} is listed twice on {chain}"
            seen.add(key)
            if part == "burn_addresses" and normalize(address) not in UNSPENDABLE:
                yield (
                    f"{where}.address",
                    f"{address} is not provably unspendable (only the zero address and "
                    "0x...dEaD are): list it as a treasury with an ownership proof",
                )
        snapshot_day = self.snapshot.time.date()
        for i, r in enumerate(self.reserves):
            if r.as_of > snapshot_day:
                yield f"reserves[{i}].as_of", f"{r.as_of} is after the snapshot ({snapshot_day})"
