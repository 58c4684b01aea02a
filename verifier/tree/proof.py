"""The por-mst-v1 inclusion proof file, documented by being its model.

Shape errors (the spec's step 1) are what pydantic rejects here: the file is then
malformed (exit 2). Everything the model accepts has the spec's shape, so any later
failure is a failed check (exit 1) with a step and a level.
"""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from verifier.models.asset import AssetSpec
from verifier.tree.spec import FORMAT, MAX_HEIGHT

# A canonical integer: plain ASCII digits in a JSON string, no sign, exponent or
# leading zero. Values of 2^128 or more have this shape and fail the range check
# (exit 1); 78 digits already exceed 2^256, so longer strings are malformed rather
# than parsed.
IntStr = Annotated[str, StringConstraints(pattern=r"^(0|[1-9][0-9]{0,77})$")]
Hex32 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


class NodeRef(BaseModel):
    model_config = _STRICT

    hash: Hex32
    sums: list[IntStr]


class InclusionProof(BaseModel):
    """One customer's proof: their leaf's preimage, the path, the root and its commitment."""

    model_config = _STRICT

    format: Literal["por-mst-v1"] = FORMAT
    snapshot_id: Annotated[str, Field(max_length=65535)]
    height: Annotated[int, Field(ge=1, le=MAX_HEIGHT)]
    assets: Annotated[list[AssetSpec], Field(min_length=1, max_length=65535)]
    account_id: str
    nonce: Hex32
    balances: list[IntStr]
    index: Annotated[int, Field(ge=0)]
    siblings: list[NodeRef]
    root: NodeRef
    root_commitment: Hex32

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.snapshot_id.encode()) > 65535:
            raise ValueError("snapshot_id is longer than 65535 bytes")
        if len(self.siblings) != self.height:
            raise ValueError(f"{len(self.siblings)} siblings for height {self.height}")
        if self.index >= 1 << self.height:
            raise ValueError(f"index {self.index} does not fit height {self.height}")
        k = len(self.assets)
        if len(self.balances) != k:
            raise ValueError(f"{len(self.balances)} balances for {k} assets")
        for where, node in [
            ("root", self.root),
            *((f"siblings.{i}", s) for i, s in enumerate(self.siblings)),
        ]:
            if len(node.sums) != k:
                raise ValueError(f"{where}.sums has {len(node.sums)} values for {k} assets")
        return self
