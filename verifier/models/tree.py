"""root.json: the public header of a built tree, what an exchange publishes."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from verifier.models.asset import AssetSpec
from verifier.models.proof import Hex32, Node
from verifier.tree.spec import FORMAT, MAX_HEIGHT


class RootFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    format: Literal["por-mst-v1"] = FORMAT
    snapshot_id: str
    height: Annotated[int, Field(ge=1, le=MAX_HEIGHT)]
    assets: Annotated[list[AssetSpec], Field(min_length=1)]
    root: Node
    root_commitment: Hex32
    account_count: Annotated[int, Field(ge=0)]

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
    ) -> "RootFile":
        sums = [
            str(int.from_bytes(root_sums[i : i + 16], "big")) for i in range(0, len(root_sums), 16)
        ]
        return cls(
            snapshot_id=snapshot_id,
            height=height,
            assets=assets,
            root=Node(hash=root_hash.hex(), sums=sums),
            root_commitment=commitment.hex(),
            account_count=account_count,
        )
