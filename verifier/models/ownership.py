"""One published claim that an address belongs to the exchange: the row of an
ownership proof file (JSON list or CSV with these columns)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

Chain = Literal["bitcoin", "ethereum"]


class OwnershipProof(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    chain: Chain
    address: str
    message: str
    signature: str
    # The script the address commits to (P2SH redeem script or P2WSH witness
    # script), hex; for multisig and time-locked cold wallets.
    script: str | None = None
    # The key said to have signed, hex; checked against the one that did.
    public_key: str | None = None

    @field_validator("address", "signature")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        return value.strip()

    @field_validator("script", "public_key", mode="before")
    @classmethod
    def _hex(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return value
        text = value.strip().removeprefix("0x")
        try:
            bytes.fromhex(text)
        except ValueError:
            raise ValueError("is not hex") from None
        return text.lower()

    def script_bytes(self) -> bytes | None:
        return None if self.script is None else bytes.fromhex(self.script)

    def public_key_bytes(self) -> bytes | None:
        return None if self.public_key is None else bytes.fromhex(self.public_key)
