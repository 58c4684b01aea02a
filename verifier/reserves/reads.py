"""Each row's balance at the row's own snapshot height, from the nodes the user named.

A list names heights, not block hashes. For every (chain, height) the block hash
at that height is read from the node and pinned; the chain adapters then read
every balance at that hash and check, before and after, that the block is still
there with enough confirmations (the same rules as every other read: 6 on
Bitcoin by default, the registry's depth on an EVM chain). Heights may differ per
chain and per row: each (chain, height, token) is its own pinned read. A token's
balances are the adapter's ERC-20 reads (`balanceOf` by eth_call at the pinned
hash, EIP-1898), the same as `por chain balances --token` makes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from chains.addresses import normalize
from chains.bitcoin import core, esplora
from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.bitcoin.pinning import DEFAULT_CONFIRMATIONS
from chains.ethereum import EthereumOptions
from chains.ethereum import read_balances as read_evm
from chains.ethereum.block import block_at as evm_block_at
from chains.jsonrpc import JsonRpcClient
from chains.names import ChainRef
from chains.snapshot import Balances, BalancesResult, ChainError, Snapshot
from chains.transport import DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Nodes:
    """The endpoints the user named; nothing else is contacted."""

    btc_rpc: str | None = None
    esplora: str | None = None
    evm: Mapping[ChainRef, str] = field(default_factory=dict)
    btc_confirmations: int | None = None
    eth_confirmations: int | None = None
    btc_from_height: int = 0  # the first block that may pay a listed Bitcoin address
    timeout: float = DEFAULT_TIMEOUT

    def serves(self, chain: ChainRef) -> bool:
        if chain.family == "bitcoin":
            return self.btc_rpc is not None or self.esplora is not None
        return chain in self.evm


@dataclass(frozen=True)
class Read:
    """One address's balance at one pinned block, or why there is none."""

    snapshot: Snapshot | None
    balance: int | None
    verdict: str  # "read", "inconclusive" or "fail"
    reason: str = ""


# chain, height, ERC-20 contract (None: the chain's own coin), address
Key = tuple[ChainRef, int, str | None, str]


def read_all(wanted: Sequence[Key], nodes: Nodes) -> dict[Key, Read]:
    """Every wanted balance, one pinned read per (chain, height, token); every chain
    in `wanted` must be one `nodes` serves."""
    groups: dict[tuple[ChainRef, int, str | None], dict[str, str]] = {}
    for chain, height, token, address in wanted:
        # One read per address however the list spells it (case of hex, bech32).
        groups.setdefault((chain, height, token), {}).setdefault(normalize(address), address)
    read: dict[Key, Read] = {}  # by normalised address
    for (chain, height, token), spelled in groups.items():
        addresses = list(spelled.values())
        snapshot, result = _read_group(chain, height, token, addresses, nodes)
        for i, address in enumerate(addresses):
            read[(chain, height, token, normalize(address))] = _one(snapshot, result, i)
    return {(c, h, t, a): read[(c, h, t, normalize(a))] for c, h, t, a in wanted}


def _one(snapshot: Snapshot | None, result: BalancesResult, index: int) -> Read:
    if isinstance(result, Balances):
        return Read(result.snapshot, result.balances[index].balance, "read")
    return Read(snapshot, None, result.verdict, f"{result.reason}: {result.message}")


def _read_group(
    chain: ChainRef, height: int, token: str | None, addresses: list[str], nodes: Nodes
) -> tuple[Snapshot | None, BalancesResult]:
    if chain.family == "bitcoin":
        net = BITCOIN_NETWORKS[chain.network]
        depth = nodes.btc_confirmations or DEFAULT_CONFIRMATIONS
        if nodes.esplora is not None:
            options = esplora.EsploraOptions(net, min_confirmations=depth)
            return _pinned(
                esplora.EsploraClient.connect(nodes.esplora, timeout=nodes.timeout),
                lambda c: esplora.block_at(c, height),
                lambda c, snap: esplora.read_balances(c, snap, addresses, options),
            )
        start = min(nodes.btc_from_height, height)
        raw = core.CoreOptions(net, from_height=start, min_confirmations=depth)
        return _pinned(
            JsonRpcClient.connect(nodes.btc_rpc, timeout=nodes.timeout),
            lambda c: core.block_at(c, height),
            lambda c, snap: core.read_balances(c, snap, addresses, raw),
        )
    evm = EthereumOptions(
        chain_id=chain.chain_id,
        token=token,
        confirmations=nodes.eth_confirmations or chain.confirmations,
        mode="auto" if chain.multicall3 else "batch",
        native=chain.native,
    )
    return _pinned(
        JsonRpcClient.connect(nodes.evm[chain], timeout=nodes.timeout),
        lambda c: evm_block_at(c, height, chain_id=chain.chain_id),
        lambda c, snap: read_evm(c, snap, addresses, evm),
    )


Client = TypeVar("Client", JsonRpcClient, esplora.EsploraClient)


def _pinned(
    client: Client,
    block_at: Callable[[Client], Snapshot],
    read: Callable[[Client, Snapshot], BalancesResult],
) -> tuple[Snapshot | None, BalancesResult]:
    with client:
        try:
            snapshot = block_at(client)
        except ChainError as e:
            return None, e.result()
        return snapshot, read(client, snapshot)
