"""The ownership message of DESIGN.md: what a proof must sign so that it cannot be
replayed into another snapshot, chain or exchange."""

from dataclasses import dataclass

HEADER = "por-ownership:v1"
_FIELDS = ("exchange", "snapshot", "chain", "address")


@dataclass(frozen=True)
class OwnershipMessage:
    exchange: str
    snapshot: str
    chain: str  # "bitcoin", "ethereum", "evm" or "tron"
    network: str  # a Bitcoin network name, an Ethereum chain id, or "mainnet"
    address: str

    def text(self) -> str:
        return "\n".join(
            (
                HEADER,
                f"exchange: {self.exchange}",
                f"snapshot: {self.snapshot}",
                f"chain: {self.chain}:{self.network}",
                f"address: {self.address}",
            )
        )


def parse(text: str) -> OwnershipMessage | None:
    """The message's fields if it has the ownership message's exact shape, else None.

    Only the exact shape parses (no trailing newline, no extra lines, one space
    after each colon), so that `parse(m).text() == m` for every message that parses.
    """
    lines = text.split("\n")
    if len(lines) != 1 + len(_FIELDS) or lines[0] != HEADER:
        return None
    values: list[str] = []
    for name, line in zip(_FIELDS, lines[1:], strict=True):
        prefix = f"{name}: "
        if not line.startswith(prefix) or not line[len(prefix) :]:
            return None
        values.append(line[len(prefix) :])
    exchange, snapshot, chain_line, address = values
    chain, sep, network = chain_line.partition(":")
    if not sep or not chain or not network:
        return None
    return OwnershipMessage(exchange, snapshot, chain, network, address)
