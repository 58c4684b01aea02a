"""Every wallet's balances at the attestation's snapshot, read through `chains/`.

One read per (chain, asset): all wallets holding BTC in one scan of raw blocks, all
holding ETH or one ERC-20 in one batched read. Each read also gives a check: pass
when the node answered pinned to the snapshot block, inconclusive when it could not
(no endpoint, reorg, timeout...), fail when an answer was proven false.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from chains.addresses import normalize
from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.evidence import Bundle, Recorder
from chains.jsonrpc import JsonRpcClient
from chains.names import parse_chain, same_chain
from chains.snapshot import Balances, Failed, Snapshot
from chains.transport import DEFAULT_TIMEOUT
from verifier.audit.reads import Endpoints, read_bitcoin, read_ethereum
from verifier.errors import InputError, OptionError
from verifier.i18n import N_
from verifier.io.addresses import AddressList
from verifier.models.attestation import Attestation, ChainPoint, Token, Wallet
from verifier.models.check import CheckResult, Status
from verifier.models.stablecoin import StablecoinAttestation
from verifier.reconcile.observations import Balance, ReadAt, Unknown, WalletKey

METHOD = {
    "core": N_(
        "Raw blocks from the first-use height to the snapshot block, fetched from a "
        "Bitcoin Core-style node, checked to chain by prev-hash up to the pinned hash, and "
        "parsed locally; the balance is the sum of unspent outputs paying each script."
    ),
    "esplora": N_(
        "Address history from an Esplora server up to the snapshot block; the "
        "server is trusted for the completeness of the history."
    ),
    "ethereum": N_(
        "eth_getBalance / ERC-20 balanceOf pinned to the snapshot block by hash "
        "(EIP-1898), batched through Multicall3 where it has code, else JSON-RPC batches; "
        "the block hash, height, chain id and confirmations are checked before and after."
    ),
}


@dataclass(frozen=True)
class Sources:
    """The endpoints the user named; nothing else is contacted."""

    btc_rpc: str | None = None
    esplora: str | None = None
    # For each EVM chain (spelled either way: evm:base, ethereum:8453) its node.
    evm_rpc: Mapping[str, str] = field(default_factory=dict)
    # The node of every EVM chain written ethereum:<...>, or of chain id 1, that has
    # none of its own in evm_rpc: what one Ethereum endpoint always served.
    eth_rpc: str | None = None
    bundle: Bundle | None = None  # replay instead of the network
    recorder: Recorder | None = None
    btc_confirmations: int | None = None
    eth_confirmations: int | None = None  # every EVM chain; default: the registry's per chain
    rpc_timeout: float = DEFAULT_TIMEOUT  # seconds a node request may take, retries included

    def client(self, chain: str, url: str | None, endpoint: str = "") -> JsonRpcClient:
        """A JSON-RPC client of `chain`'s node at `url`, recorded when recording, or
        replaying the bundle (NotInEvidence when the bundle has no endpoint for it);
        `endpoint` names it in the bundle when it is not the chain's own name."""
        return JsonRpcClient.connect(
            url,
            endpoint=endpoint or chain,
            recorder=self.recorder,
            bundle=self.bundle,
            timeout=self.rpc_timeout,
        )

    def evm_endpoint(self, chain: str) -> str | None:
        """The node named for the EVM chain `chain` (as the attestation spells it)."""
        own = next((url for named, url in self.evm_rpc.items() if same_chain(named, chain)), None)
        if own is not None:
            return own
        return self.eth_rpc if _served_by_eth_rpc(chain) else None


def _served_by_eth_rpc(chain: str) -> bool:
    return chain.startswith("ethereum:") or parse_chain(chain).chain_id == 1


def check_endpoints(att: Attestation | StablecoinAttestation, sources: Sources) -> None:
    """Refuse an endpoint that no chain of the attestation would be read from: an
    option that cannot apply is refused, never ignored."""
    evm = [p.chain for p in att.snapshot.chains if not p.chain.startswith("bitcoin:")]
    listed = ", ".join(evm) or "none"
    for named in sources.evm_rpc:
        if not any(same_chain(named, chain) for chain in evm):
            problem = f"{named}: the attestation pins no block on it (its EVM chains: {listed})"
            raise OptionError("rpc", problem)
    if sources.eth_rpc is not None:
        own = [c for c in evm if any(same_chain(n, c) for n in sources.evm_rpc)]
        if not any(_served_by_eth_rpc(c) for c in evm if c not in own):
            problem = f"no EVM chain of the attestation is left for it (its EVM chains: {listed})"
            raise OptionError("eth_rpc", problem)


@dataclass
class Reads:
    balances: dict[WalletKey, dict[str, Balance]] = field(default_factory=dict)
    read_at: dict[str, ReadAt] = field(default_factory=dict)  # chain -> block read at
    checks: list[CheckResult] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)  # check id -> method


def read_all(att: Attestation, sources: Sources, at: ChainPoint | None = None) -> Reads:
    """Every wallet at the snapshot; or, given `at`, the wallets of that one chain at
    that block (a window's sample), read the same way."""
    reads = Reads()
    holders: dict[tuple[str, str], list[Wallet]] = defaultdict(list)
    for w in att.wallets:
        if at is not None and w.chain != at.chain:
            continue
        reads.balances.setdefault((w.chain, w.locator), {})
        for symbol in w.assets:
            holders[(w.chain, symbol)].append(w)
    for (chain, symbol), wallets in holders.items():
        point = att.snapshot.point(chain) if at is None else at
        for check_id, token in _what_counts(att, chain, symbol):
            if point is None:
                result: Balances | CheckResult = _inconclusive(
                    check_id, f"the snapshot has no block for {chain}"
                )
            else:
                result = _read(
                    point, symbol, token, unique_wallets(wallets), sources, check_id, reads
                )
            record(reads, wallets, symbol, point, check_id, token, result)
    return reads


def _what_counts(att: Attestation, chain: str, symbol: str) -> list[tuple[str, Token | None]]:
    """The reads that make up `symbol` on `chain`, with their check ids: the native
    balance, the token listed for it, or both (a native coin and its mapped wrapped
    form, added up per wallet)."""
    check_id = f"balances.{chain}.{symbol}"
    counted = att.counted(chain, symbol)
    out: list[tuple[str, Token | None]] = [(check_id, None)] if counted.native else []
    if counted.token is not None:
        out.append((f"{check_id}.token" if counted.native else check_id, counted.token))
    return out or [(check_id, None)]  # neither: _read says no contract is listed


def record(
    reads: Reads,
    wallets: list[Wallet],
    symbol: str,
    point: ChainPoint | None,
    check_id: str,
    token: Token | None,
    result: Balances | CheckResult,
) -> None:
    """Add one read's balances to each wallet's (a second read of the same asset on
    the same chain adds to the first) and its check to the report."""
    if not isinstance(result, Balances):
        for w in wallets:
            reads.balances[(w.chain, w.locator)][symbol] = Unknown(result.reason)
        reads.checks.append(result)
        return
    assert point is not None
    found = {normalize(b.address): b.balance for b in result.balances}
    for w in wallets:
        held = reads.balances[(w.chain, w.locator)]
        before = held.get(symbol, 0)
        amount = found[normalize(address_of(w))]
        held[symbol] = before if isinstance(before, Unknown) else before + amount
    reads.read_at[point.chain] = ReadAt(point.height, point.block_hash)
    reason = N_("{count} wallets read at {chain} #{height}").format(
        count=len(found), chain=point.chain, height=point.height
    )
    if token is not None and token.counts_as_native is not None:
        mapped = N_(
            "{contract} is a {kind} token, counted as {symbol} because the attestation maps "
            "it explicitly"
        ).format(contract=token.contract, kind=token.counts_as_native, symbol=symbol)
        reason += f"; {mapped}"
    reads.checks.append(
        CheckResult(
            id=check_id,
            status=Status.PASS,
            reason=reason,
            actual=str(result.total),
            evidence={"block_hash": result.snapshot.block_hash},
        )
    )


def _read(
    point: ChainPoint,
    symbol: str,
    token: Token | None,
    wallets: list[Wallet],
    sources: Sources,
    check_id: str,
    reads: Reads,
) -> Balances | CheckResult:
    family, _, network = point.chain.partition(":")
    addresses = AddressList(
        source="attestation",
        addresses=[address_of(w) for w in wallets],
        lines=list(range(len(wallets))),
    )
    try:
        if family == "bitcoin":
            if symbol != "BTC":
                return _inconclusive(check_id, f"{symbol} is not an asset of {point.chain}")
            # An Esplora read is recorded under its own endpoint name, so that a
            # replay takes the same path as the run it replays.
            esplora = f"{point.chain}:esplora"
            if sources.bundle is not None:
                source = "esplora" if esplora in sources.bundle.endpoints else "core"
            else:
                source = "core" if sources.btc_rpc else "esplora"
            url = sources.btc_rpc if source == "core" else sources.esplora
            if url is None and sources.bundle is None:
                return _inconclusive(check_id, "no Bitcoin node or Esplora server was named")
            reads.methods[check_id] = METHOD[source]
            starts = [w.first_use_height or 0 for w in wallets]
            name = esplora if source == "esplora" else point.chain
            outcome = read_bitcoin(
                Endpoints(
                    url,
                    None,
                    sources.recorder,
                    sources.bundle,
                    names=(name, ""),
                    timeout=sources.rpc_timeout,
                ),
                Snapshot(point.height, point.block_hash),
                addresses,
                network=network if network in BITCOIN_NETWORKS else None,
                source=source,
                from_height=min(starts) if source == "core" else None,
                confirmations=sources.btc_confirmations,
                batch_size=200,
            )
        else:
            chain = parse_chain(point.chain)  # the attestation was checked: it parses
            if token is None and symbol != chain.native:
                return _inconclusive(
                    check_id, f"no token contract is listed for {symbol} on {point.chain}"
                )
            url = sources.evm_endpoint(point.chain)
            if url is None and sources.bundle is None:
                return _inconclusive(check_id, f"no node was named for {point.chain}")
            reads.methods[check_id] = METHOD["ethereum"]
            outcome = read_ethereum(
                Endpoints(
                    url,
                    None,
                    sources.recorder,
                    sources.bundle,
                    names=(point.chain, ""),
                    timeout=sources.rpc_timeout,
                ),
                Snapshot(point.height, "0x" + point.block_hash),
                addresses,
                chain_id=chain.chain_id,
                network=None,
                token=None if token is None else token.contract,
                balance_slot=None,
                confirmations=sources.eth_confirmations,
                proofs=False,
                batch_size=100,
                chunk_size=500,
            )
    except InputError as e:
        return _inconclusive(check_id, e.problem)
    if isinstance(outcome, Balances):
        return outcome
    status = Status.FAIL if isinstance(outcome, Failed) else Status.INCONCLUSIVE
    return CheckResult(id=check_id, status=status, reason=f"{outcome.reason}: {outcome.message}")


def address_of(w: Wallet) -> str:
    return w.address if w.address is not None else f"raw({w.script})"


def unique_wallets(wallets: list[Wallet]) -> list[Wallet]:
    """A wallet listed twice is read once (the integrity checks fail the repeat)."""
    seen: dict[str, Wallet] = {}
    for w in wallets:
        seen.setdefault(normalize(address_of(w)), w)
    return list(seen.values())


def _inconclusive(check_id: str, reason: str) -> CheckResult:
    return CheckResult(id=check_id, status=Status.INCONCLUSIVE, reason=reason)
