"""ETH or ERC-20 balances of many addresses at a pinned block: the adapter's entry point.

Order of work: the snapshot is checked (chain id, hash at height, confirmations),
the reads run pinned to the block hash, and the snapshot is checked again, so a
reorganisation during the reads cannot slip a balance from another block through.
Any fault ends as an Inconclusive (or a Failed, for a proof that does not verify).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from chains.ethereum import calls, proofs
from chains.ethereum.block import Pin, check_snapshot, pin_block
from chains.ethereum.header import proven_state_root
from chains.jsonrpc import JsonRpcClient, RpcErrorObject
from chains.snapshot import BalancesResult, ChainError, Reason, Snapshot, balances

# auto: Multicall3 when it has code at the snapshot block, else JSON-RPC batches.
Mode = Literal["auto", "multicall", "batch", "single"]


@dataclass(frozen=True)
class EthereumOptions:
    chain_id: int
    token: str | None = None  # an ERC-20 contract; None reads ETH
    confirmations: int = 64
    proofs: bool = False
    balance_slot: int | None = None  # the token's balance mapping slot, for --proofs
    multicall: str = calls.MULTICALL3
    mode: Mode = "auto"
    chunk_size: int = 500  # reads per aggregate3 call (and storage keys per eth_getProof)
    batch_size: int = 100  # JSON-RPC calls per HTTP request
    native: str = "ETH"  # the chain's own coin, what a read without a token reads

    def __post_init__(self) -> None:
        if self.chunk_size < 1 or self.batch_size < 1:
            raise ValueError("chunk and batch sizes must be at least 1")
        if self.proofs and self.token and self.balance_slot is None:
            raise ValueError("proving ERC-20 balances needs the token's balance slot index")

    @property
    def asset(self) -> str:
        return f"erc20:{self.token}" if self.token else self.native


def read_balances(
    client: JsonRpcClient,
    snapshot: Snapshot,
    addresses: Sequence[str],
    options: EthereumOptions,
) -> BalancesResult:
    """Balances in base units (wei, token units) for `addresses` (0x-prefixed hex),
    in the same order, or the reason there are none."""
    try:

        def check() -> None:
            check_snapshot(
                client, snapshot, chain_id=options.chain_id, confirmations=options.confirmations
            )

        check()
        try:
            values = _read(client, snapshot, addresses, options)
        except RpcErrorObject:
            # A read pinned with requireCanonical fails once the block is gone:
            # report the reorganisation, not the error it caused.
            check()
            raise
        check()
        return balances(snapshot, options.asset, zip(addresses, values, strict=True))
    except ChainError as e:
        return e.result()


def _read(
    client: JsonRpcClient, snapshot: Snapshot, addresses: Sequence[str], options: EthereumOptions
) -> list[int]:
    probes = [options.token] if options.token else []
    wants_multicall = options.mode in ("auto", "multicall") and not options.proofs
    if wants_multicall:
        probes.append(options.multicall)
    pin, codes = pin_block(client, snapshot, probes or [options.multicall])
    if options.token and not codes[0]:
        raise ChainError(
            Reason.MALFORMED_ANSWER, f"token {options.token} has no code at the snapshot block"
        )
    if options.proofs:
        return _proven(client, pin, addresses, options)
    if options.token:
        reads = [calls.erc20_read(a, options.token) for a in addresses]
    else:
        reads = [calls.eth_read(a, options.multicall) for a in addresses]
    mode = options.mode
    if wants_multicall:
        has_multicall = bool(codes[-1])
        if mode == "multicall" and not has_multicall:
            raise ChainError(
                Reason.RPC_ERROR, f"no multicall contract at {options.multicall} at the snapshot"
            )
        mode = "multicall" if has_multicall else "batch"
    if mode == "multicall":
        return calls.via_multicall(
            client, pin, options.multicall, reads, options.chunk_size, options.batch_size
        )
    return calls.via_rpc(client, pin, reads, 1 if mode == "single" else options.batch_size)


def _proven(
    client: JsonRpcClient, pin: Pin, addresses: Sequence[str], options: EthereumOptions
) -> list[int]:
    state_root = proven_state_root(client, pin.snapshot)
    if options.token is None:
        return proofs.proven_eth(client, pin, state_root, addresses, options.batch_size)
    assert options.balance_slot is not None  # checked by EthereumOptions
    return proofs.proven_erc20(
        client,
        pin,
        state_root,
        options.token,
        options.balance_slot,
        addresses,
        options.chunk_size,
        options.batch_size,
    )
