"""Every row of a published list: its claimed balance against the chain at the row's
snapshot height, and whether the exchange proved it owns the address.

A row passes only when both hold: the signature verifies and the balance read at
the pinned block equals the claim to the base unit. A row whose balance this
verifier cannot read (a chain it has no adapter for, a token the registry
(chains/ethereum/registry.toml) does not list, a chain whose node the user did not
name) is inconclusive and says why; it is
listed, never dropped. Totals are per coin as the list names it (`USDT-ERC20` and
`USDT-TRC20` apart: their decimals and chains differ).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from eth_utils import is_hex_address, to_checksum_address

from chains.bitcoin.addresses import AddressError, script_pubkeys
from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.ethereum.registry import token as registered_token
from chains.names import ChainRef, parse_chain
from verifier.i18n import N_
from verifier.io.reserve_lists import ReserveList
from verifier.models.amounts import AmountError, parse_units
from verifier.models.check import CheckResult, Status, all_of
from verifier.models.numbers import format_decimal
from verifier.models.reserve_lists import ReserveRow, network_of
from verifier.models.reserves import CoinTotal, ReservesCheck, RowCheck
from verifier.ownership.lists import verify_rows
from verifier.ownership.verify import Binding, ContractWallets
from verifier.reserves.reads import Key, Nodes, Read, read_all

UNKNOWN_NETWORK = N_("network {network} is not one this verifier knows")
UNREAD_CHAIN = N_(
    "balances on {chain} are not read by this verifier (no node that serves a balance "
    "at a past block can be run here)"
)
STAKED = N_("staked ({kind}): a validator's balance is not read by this verifier")
NO_CLAIM = N_("no balance claimed: the row gives no {missing}")
TOKEN = N_(
    "{asset} on {chain} is a token the registry does not list (chains/ethereum/"
    "registry.toml): its balance is not read"
)
NO_ENDPOINT = N_("no endpoint given for {chain}")
MATCHES = N_("on chain as claimed")
DIFFERS = N_("on chain {difference} base units from the claim")


@dataclass(frozen=True)
class _Placed:
    """Where a row's balance is and what it claims, before anything is read."""

    chain: str  # as shown: `bitcoin:mainnet`, `evm:ethereum`, or the vendor's network
    ref: ChainRef | None = None
    decimals: int | None = None
    claimed: int | None = None
    address: str = ""  # as the adapters take it (checksummed for EVM)
    token: str | None = None  # the ERC-20 contract the balance is read from
    status: Status | None = None  # set when the row's balance is settled without a read
    reason: str = ""


def check_reserves(
    found: ReserveList,
    nodes: Nodes,
    binding: Binding,
    *,
    btc_network: str = "mainnet",
    contracts: ContractWallets | None = None,
) -> ReservesCheck:
    owned = verify_rows(found.rows, binding, contracts)
    placed = [_place(row, nodes, btc_network) for row in found.rows]
    wanted = [
        (p.ref, row.height, p.token, p.address)
        for row, p in zip(found.rows, placed, strict=True)
        if p.ref is not None and p.status is None and row.height is not None
    ]
    reads = read_all(wanted, nodes)
    rows = [_row(row, p, o, reads) for row, p, o in zip(found.rows, placed, owned, strict=True)]
    return ReservesCheck(
        file=found.source,
        list_format=str(found.format),
        rows=rows,
        totals=_totals(found.rows, rows),
        status=all_of(r.status for r in rows) if rows else Status.INCONCLUSIVE,
    )


def _place(row: ReserveRow, nodes: Nodes, btc_network: str) -> _Placed:
    inconclusive = Status.INCONCLUSIVE
    network = network_of(row)
    if network is None:
        reason = UNKNOWN_NETWORK.format(network=repr(row.network))
        return _Placed(row.network, status=inconclusive, reason=reason)
    if network.chain != "bitcoin" and not network.chain.startswith("evm:"):
        reason = UNREAD_CHAIN.format(chain=network.chain)
        return _Placed(network.chain, status=inconclusive, reason=reason)
    name = f"bitcoin:{btc_network}" if network.chain == "bitcoin" else network.chain
    ref = parse_chain(name)
    if row.kind and row.kind.lower() != "non staking":
        reason = STAKED.format(kind=row.kind)
        return _Placed(name, ref, ref.decimals, status=inconclusive, reason=reason)
    missing = [what for what, v in (("height", row.height), ("amount", row.amount)) if v is None]
    if missing:
        reason = NO_CLAIM.format(missing=" or ".join(missing))
        return _Placed(name, ref, ref.decimals, status=inconclusive, reason=reason)
    contract, decimals = None, ref.decimals
    if row.asset.upper() != ref.native:
        found = registered_token(ref.chain_id, row.asset) if ref.family == "evm" else None
        if found is None:
            reason = TOKEN.format(asset=row.asset, chain=name)
            return _Placed(name, ref, status=inconclusive, reason=reason)
        contract, decimals = found.address, found.decimals
    assert row.amount is not None
    try:
        claimed = parse_units(row.amount, decimals)
    except AmountError as e:
        return _Placed(name, ref, decimals, status=Status.FAIL, reason=f"claimed: {e}")
    address, problem = _address(row.address, ref)
    if problem:
        return _Placed(name, ref, decimals, claimed, status=Status.FAIL, reason=problem)
    if not nodes.serves(ref):
        reason = NO_ENDPOINT.format(chain=name)
        return _Placed(name, ref, decimals, claimed, status=inconclusive, reason=reason)
    return _Placed(name, ref, decimals, claimed, address, contract)


def _address(text: str, ref: ChainRef) -> tuple[str, str]:
    """The address as the adapter takes it, or the problem with it."""
    if ref.family == "evm":
        if not is_hex_address(text):
            return text, "address: not a 20-byte hex address"
        return str(to_checksum_address(text)), ""
    try:
        script_pubkeys([text], BITCOIN_NETWORKS[ref.network])
    except AddressError as e:
        return text, f"address: {e}"
    return text, ""


def _row(row: ReserveRow, placed: _Placed, owned: CheckResult, reads: dict[Key, Read]) -> RowCheck:
    on_chain: int | None = None
    difference: int | None = None
    block_hash: str | None = None
    status, reason = placed.status, placed.reason
    if status is None:
        assert placed.ref is not None and row.height is not None
        read = reads[(placed.ref, row.height, placed.token, placed.address)]
        block_hash = read.snapshot.block_hash if read.snapshot else None
        if read.balance is None:
            status = Status.FAIL if read.verdict == "fail" else Status.INCONCLUSIVE
            reason = read.reason
        else:
            on_chain = read.balance
            assert placed.claimed is not None
            difference = on_chain - placed.claimed
            status = Status.PASS if difference == 0 else Status.FAIL
            reason = MATCHES if difference == 0 else DIFFERS.format(difference=f"{difference:+,}")
    return RowCheck(
        line=row.line,
        coin=row.coin,
        chain=placed.chain,
        address=row.address,
        height=row.height,
        block_hash=block_hash,
        decimals=placed.decimals,
        claimed_text=row.amount,
        claimed=_text(placed.claimed),
        on_chain=_text(on_chain),
        difference=_text(difference),
        ownership=owned.status,
        ownership_reason=owned.reason,
        balance=status,
        balance_reason=reason,
        status=all_of([owned.status, status]),
    )


def _text(units: int | None) -> str | None:
    return None if units is None else str(units)


def _totals(rows: Sequence[ReserveRow], checked: Sequence[RowCheck]) -> list[CoinTotal]:
    """Per coin, over the rows that claim a balance: the claims, and what is on chain
    when every one of them was read (a partial sum is no total)."""
    by_coin: dict[str, list[tuple[ReserveRow, RowCheck]]] = {}
    for row, c in zip(rows, checked, strict=True):
        by_coin.setdefault(row.coin, []).append((row, c))
    totals = []
    for coin, pairs in by_coin.items():
        checks = [c for _, c in pairs]
        decimals = {c.decimals for c in checks}
        # A row that claims nothing (HTX lists signed addresses without a balance) adds
        # nothing to either side.
        claiming = [c for c in checks if c.claimed_text is not None]
        claimed = _sum([c.claimed for c in claiming])
        on_chain = _sum([c.on_chain for c in claiming])
        totals.append(
            CoinTotal(
                coin=coin,
                decimals=decimals.pop() if len(decimals) == 1 else None,
                rows=len(checks),
                rows_read=sum(c.on_chain is not None for c in checks),
                claimed_text=format_decimal(
                    sum((Fraction(r.amount or 0) for r, _ in pairs), Fraction())
                ),
                claimed=_text(claimed),
                on_chain=_text(on_chain),
                difference=_text(
                    None if on_chain is None or claimed is None else on_chain - claimed
                ),
            )
        )
    return totals


def _sum(values: list[str | None]) -> int | None:
    """The sum, or None when a value is missing (a partial total is no total)."""
    if any(v is None for v in values):
        return None
    return sum(int(v) for v in values if v is not None)
