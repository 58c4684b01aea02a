"""A published claim that an address belongs to the exchange.

`OwnershipProof` is the signature and what it needs, as an attestation's wallet
carries it; `OwnershipClaim` adds the chain and address it is for, as a row of an
ownership proof file (a JSON list or a CSV with these columns) has them.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Chain = Literal["bitcoin", "ethereum", "tron", "dogecoin", "litecoin", "solana", "aptos", "ton"]
# Chains whose ownership is checked on mainnet only and whose balances this
# verifier does not read; rows may name them with their network, as `tron:mainnet`.
MAINNET_ONLY = ("tron", "dogecoin", "litecoin", "solana", "aptos", "ton")


class OwnershipProof(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    message: str
    signature: str
    # The script the address commits to (P2SH redeem script or P2WSH witness
    # script), hex; for multisig and time-locked cold wallets.
    script: str | None = None
    # The key said to have signed, hex; checked against the one that did.
    public_key: str | None = None

    @field_validator("signature")
    @classmethod
    def _signature(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value.strip()

    @field_validator("script", "public_key", mode="before")
    @classmethod
    def _hex(cls, value: object) -> object:
        """Hex as spreadsheets and wallets write it ('0x', upper case), kept as lower
        case without the prefix; an empty cell is no value."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return value
        text = value.strip().removeprefix("0x")
        try:
            bytes.fromhex(text)
        except ValueError:
            raise ValueError("is not hex") from None
        if not text:
            raise ValueError("is not hex")
        return text.lower()

    def script_bytes(self) -> bytes | None:
        return None if self.script is None else bytes.fromhex(self.script)

    def public_key_bytes(self) -> bytes | None:
        return None if self.public_key is None else bytes.fromhex(self.public_key)


class OwnershipClaim(OwnershipProof):
    chain: Chain
    address: str
    # A row may lack its signature: it is then reported as not proven, never dropped,
    # so that a list's unproven addresses stay in sight.
    signature: str = ""

    @field_validator("signature", mode="before")
    @classmethod
    def _signature(cls, value: object) -> str:
        """Replaces OwnershipProof's rule (an attestation's proof must be signed)."""
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValueError("is not a string")
        return value.strip()

    @field_validator("chain", mode="before")
    @classmethod
    def _chain(cls, value: object) -> object:
        """`tron:mainnet` is how ownership files name the chain; `tron` is kept."""
        if isinstance(value, str):
            family, _, network = value.partition(":")
            if family in MAINNET_ONLY and network == "mainnet":
                return family
        return value

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value.strip()

    @classmethod
    def of(cls, chain: Chain, address: str, proof: OwnershipProof) -> "OwnershipClaim":
        return cls(chain=chain, address=address, **proof.model_dump())
