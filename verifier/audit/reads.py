"""Run a chain adapter for the verifier: clients for the named endpoints (recorded,
or replayed from a bundle), the adapter, and the cross-check when one is asked for.

Only endpoints the user named are contacted.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from eth_utils import is_hex_address, to_checksum_address

from chains.bitcoin.addresses import AddressError, script_pubkeys
from chains.bitcoin.core import CoreOptions
from chains.bitcoin.core import read_balances as read_core
from chains.bitcoin.esplora import EsploraClient, EsploraOptions
from chains.bitcoin.esplora import read_balances as read_esplora
from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.bitcoin.pinning import DEFAULT_CONFIRMATIONS
from chains.ethereum import NETWORKS, EthereumOptions
from chains.ethereum import read_balances as read_ethereum_balances
from chains.evidence import Bundle, NotInEvidence, Recorder
from chains.jsonrpc import JsonRpcClient
from chains.names import ChainRef
from chains.snapshot import BalancesResult, Snapshot, cross_check
from chains.transport import DEFAULT_TIMEOUT
from verifier.errors import InputError, OptionError
from verifier.io.addresses import AddressList

PRIMARY = "primary"
CROSS_CHECK = "cross-check"


Client = TypeVar("Client", JsonRpcClient, EsploraClient)


@dataclass(frozen=True)
class Endpoints:
    rpc: str | None
    cross_check: str | None
    recorder: Recorder | None
    bundle: Bundle | None
    # What the endpoints are called in an evidence bundle; one bundle can hold several
    # chains' endpoints (por verify names them by chain).
    names: tuple[str, str] = (PRIMARY, CROSS_CHECK)
    timeout: float = DEFAULT_TIMEOUT  # seconds one node request may take, retries included

    def read(
        self,
        connect: Callable[..., Client],
        adapter: Callable[[Client], BalancesResult],
    ) -> BalancesResult:
        """Run `adapter` on a client of the primary endpoint, and of the cross-check
        endpoint if one was named; `connect` is the client class's `connect`."""
        primary, secondary = self.names
        urls = {primary: self.rpc}
        if self.cross_check is not None:
            urls[secondary] = self.cross_check
        results = []
        for name, url in urls.items():
            try:
                client = connect(
                    url,
                    endpoint=name,
                    recorder=self.recorder,
                    bundle=self.bundle,
                    timeout=self.timeout,
                )
            except NotInEvidence as e:
                raise OptionError("offline", str(e)) from None
            with client:
                results.append(adapter(client))
        return results[0] if len(results) == 1 else cross_check(results[0], results[1])


def ethereum_chain_id(chain_id: int | None, network: str | None) -> int:
    """The chain id and the network name, either or both (then they must agree); one is required
    so that a node on another chain is caught."""
    if network is not None:
        if network not in NETWORKS:
            names = ", ".join(NETWORKS)
            raise OptionError("network", f"unknown Ethereum network {network!r} ({names})")
        if chain_id is not None and chain_id != NETWORKS[network]:
            raise OptionError(
                "chain_id", f"{chain_id} is not {network}'s chain id {NETWORKS[network]}"
            )
        return NETWORKS[network]
    if chain_id is None:
        raise OptionError(
            "chain_id",
            "Ethereum needs {chain_id} N or {network} NAME",
            mentions=("chain_id", "network"),
        )
    return chain_id


def read_ethereum(
    endpoints: Endpoints,
    snapshot: Snapshot,
    addresses: AddressList,
    *,
    chain_id: int | None,
    network: str | None,
    token: str | None,
    balance_slot: int | None,
    confirmations: int | None,
    proofs: bool,
    batch_size: int,
    chunk_size: int,
) -> BalancesResult:
    if token is not None:
        token = _token(token)
    if proofs and token and balance_slot is None:
        raise OptionError(
            "balance_slot",
            "{proofs} with {token} needs the balance slot",
            mentions=("proofs", "token"),
        )
    chain = ChainRef.evm(ethereum_chain_id(chain_id, network))
    options = EthereumOptions(
        chain_id=chain.chain_id,
        token=token,
        # the registry's depth and Multicall3 for a chain it lists (64 and "look" else)
        confirmations=chain.confirmations if confirmations is None else confirmations,
        mode="auto" if chain.multicall3 else "batch",
        native=chain.native,
        proofs=proofs,
        balance_slot=balance_slot,
        chunk_size=chunk_size,
        batch_size=batch_size,
    )
    return endpoints.read(
        JsonRpcClient.connect,
        lambda client: read_ethereum_balances(client, snapshot, addresses.addresses, options),
    )


def _token(text: str) -> str:
    if not is_hex_address(text):
        raise OptionError("token", f"{text!r} is not a hex address")
    return str(to_checksum_address(text))


def read_bitcoin(
    endpoints: Endpoints,
    snapshot: Snapshot,
    addresses: AddressList,
    *,
    network: str | None,
    source: str,
    from_height: int | None,
    confirmations: int | None,
    batch_size: int,
) -> BalancesResult:
    """From a Bitcoin Core-style node's raw blocks (`source` "core"), or from an
    Esplora server's address history ("esplora", trusted for completeness)."""
    if network is None or network not in BITCOIN_NETWORKS:
        names = ", ".join(BITCOIN_NETWORKS)
        raise OptionError("network", f"not a Bitcoin network: {network!r} (one of {names})")
    net = BITCOIN_NETWORKS[network]
    try:
        script_pubkeys(addresses.addresses, net)  # also refuses one script spelled twice
    except AddressError as e:
        where = addresses.where(e.index) if e.index is not None else None
        raise InputError(addresses.source, where, str(e)) from None
    depth = DEFAULT_CONFIRMATIONS if confirmations is None else confirmations
    if source == "esplora":
        if from_height is not None:
            raise OptionError(
                "from_height", "is for {source} core (raw blocks)", mentions=("source",)
            )
        esplora = EsploraOptions(net, min_confirmations=depth)
        return endpoints.read(
            EsploraClient.connect,
            lambda client: read_esplora(
                client, snapshot, addresses.addresses, esplora, endpoints.recorder
            ),
        )
    start = from_height or 0
    if not 0 <= start <= snapshot.height:
        raise OptionError("from_height", f"must be within 0..{snapshot.height}")
    core = CoreOptions(net, from_height=start, min_confirmations=depth, batch_size=batch_size)
    return endpoints.read(
        JsonRpcClient.connect,
        lambda client: read_core(client, snapshot, addresses.addresses, core, endpoints.recorder),
    )
