"""root.json: the public header of a built por-mst-v1 tree, what an exchange publishes,
and, field for field, an attestation's `liabilities.tree` (one class for both)."""

from collections.abc import Iterator
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from verifier.models.amounts import MAX_UNITS
from verifier.models.asset import AssetSpec
from verifier.models.numbers import Hex32, IntegerText

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)

FORMAT: Final = "por-mst-v1"
MAX_HEIGHT = 64


class NodeRef(BaseModel):
    """A node as the spec publishes it: its hash and per-asset sums in base units."""

    model_config = _STRICT

    hash: Hex32
    sums: Annotated[list[IntegerText], Field(min_length=1)]

    def as_json(self) -> dict[str, object]:
        """The node as a proof file writes it (sums as decimal strings)."""
        return {"hash": self.hash, "sums": [str(s) for s in self.sums]}


class TreeRoot(BaseModel):
    model_config = _STRICT

    format: Literal["por-mst-v1"] = FORMAT
    snapshot_id: Annotated[str, StringConstraints(min_length=1)]
    height: Annotated[int, Field(ge=1, le=MAX_HEIGHT)]
    assets: Annotated[list[AssetSpec], Field(min_length=1)]
    root: NodeRef
    root_commitment: Hex32
    # Declared by the exchange: the commitment does not bind it. Reports show it as
    # declared; `por tree audit` recomputes it from the ledger.
    account_count: Annotated[int, Field(ge=0)]

    def problems(self) -> Iterator[tuple[str, str]]:
        """Faults across fields that the field types cannot see: (field path, problem).
        The readers of root.json and of an attestation report the first one."""
        symbols = [a.symbol for a in self.assets]
        if len(set(symbols)) != len(symbols):
            yield "assets", "an asset symbol is listed twice"
        if len(self.root.sums) != len(self.assets):
            yield "root.sums", f"{len(self.root.sums)} sums for {len(symbols)} assets"
        for i, s in enumerate(self.root.sums):
            if s >= MAX_UNITS:
                yield f"root.sums[{i}]", "is 2^128 or more"
        if self.account_count > 1 << self.height:
            yield "account_count", f"{self.account_count} accounts do not fit height {self.height}"

    def totals(self) -> dict[str, int]:
        """Customer liabilities per asset symbol, in base units."""
        return {a.symbol: s for a, s in zip(self.assets, self.root.sums, strict=True)}

    @classmethod
    def from_parts(
        cls,
        snapshot_id: str,
        height: int,
        assets: list[AssetSpec],
        root_hash: bytes,
        root_sums: bytes,
        commitment: bytes,
        account_count: int,
    ) -> "TreeRoot":
        sums = [
            str(int.from_bytes(root_sums[i : i + 16], "big")) for i in range(0, len(root_sums), 16)
        ]
        return cls(
            snapshot_id=snapshot_id,
            height=height,
            assets=assets,
            root=NodeRef.model_validate({"hash": root_hash.hex(), "sums": sums}),
            root_commitment=commitment.hex(),
            account_count=account_count,
        )
