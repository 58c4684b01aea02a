"""One chain, however an input spells it.

Attestations, ownership messages and the command line name a chain as
`bitcoin:<network>`, `ethereum:<chain id>` (or one of the Ethereum network names
`ethereum:mainnet`, ...), or `evm:<name>` from the registry (chains/ethereum/
registry.toml). `evm:base` and `ethereum:8453` are the same chain: every comparison
between two spellings goes through `parse_chain`, never through the text, while the
text itself is kept as written (old files, their check ids and their signed messages
stay byte for byte what they were).
"""

from dataclasses import dataclass
from typing import Literal

from chains.bitcoin.networks import NETWORKS as BITCOIN_NETWORKS
from chains.ethereum.block import NETWORKS as ETHEREUM_NETWORKS
from chains.ethereum.registry import EvmChain, by_id, by_name, chains

BITCOIN_NATIVE = "BTC"
BITCOIN_DECIMALS = 8
# The native asset of an EVM chain the registry does not list (a local test chain):
# what `ethereum:<chain id>` always meant.
DEFAULT_NATIVE = "ETH"
DEFAULT_CONFIRMATIONS = 64

_MAX_CHAIN_ID = 2**64  # EIP-2294 bounds chain ids well below this


class ChainNameError(ValueError):
    """The text names no chain the adapters can read; the message says why."""


@dataclass(frozen=True)
class ChainRef:
    """A chain's identity: Bitcoin by network name, an EVM chain by its chain id."""

    family: Literal["bitcoin", "evm"]
    network: str  # a Bitcoin network name, or an EVM chain id in decimal

    @classmethod
    def evm(cls, chain_id: int) -> "ChainRef":
        return cls("evm", str(chain_id))

    @property
    def chain_id(self) -> int:
        if self.family != "evm":
            raise ValueError(f"bitcoin:{self.network} has no EVM chain id")
        return int(self.network)

    @property
    def registered(self) -> EvmChain | None:
        """The registry's entry for an EVM chain, None for Bitcoin or an unlisted id."""
        return by_id(self.chain_id) if self.family == "evm" else None

    @property
    def native(self) -> str:
        """The asset a native balance counts as."""
        if self.family == "bitcoin":
            return BITCOIN_NATIVE
        entry = self.registered
        return entry.native if entry is not None else DEFAULT_NATIVE

    @property
    def decimals(self) -> int:
        """The decimals of the native asset: base units per coin are 10**decimals."""
        if self.family == "bitcoin":
            return BITCOIN_DECIMALS
        entry = self.registered
        return entry.decimals if entry is not None else 18  # ETH's, as `native` says

    @property
    def confirmations(self) -> int:
        """The default depth of an EVM snapshot block on this chain."""
        entry = self.registered
        return entry.confirmations if entry is not None else DEFAULT_CONFIRMATIONS

    @property
    def multicall3(self) -> bool:
        """Whether reads should look for Multicall3 (an unlisted chain: look)."""
        entry = self.registered
        return entry is None or entry.multicall3


def native_assets() -> frozenset[str]:
    """Every symbol that is some chain's native asset: Bitcoin's, the default EVM one,
    and each registered chain's."""
    return frozenset({BITCOIN_NATIVE, DEFAULT_NATIVE, *(c.native for c in chains())})


def parse_chain(text: str) -> ChainRef:
    """The chain `text` names, or ChainNameError."""
    family, colon, network = text.partition(":")
    if not colon or not network:
        raise ChainNameError(f"{text!r} is not FAMILY:NETWORK (bitcoin:, ethereum: or evm:)")
    if family == "bitcoin":
        if network not in BITCOIN_NETWORKS:
            names = ", ".join(BITCOIN_NETWORKS)
            raise ChainNameError(f"{network!r} is not a Bitcoin network ({names})")
        return ChainRef("bitcoin", network)
    if family == "ethereum":
        if network in ETHEREUM_NETWORKS:
            return ChainRef.evm(ETHEREUM_NETWORKS[network])
        digits = network.isascii() and network.isdigit() and len(network) <= 20
        if digits and int(network) < _MAX_CHAIN_ID:
            return ChainRef.evm(int(network))
        names = ", ".join(ETHEREUM_NETWORKS)
        raise ChainNameError(f"{network!r} is neither a chain id nor an Ethereum network ({names})")
    if family == "evm":
        entry = by_name(network)
        if entry is None:
            names = ", ".join(c.name for c in chains())
            raise ChainNameError(
                f"{network!r} is not a registered EVM chain ({names}); "
                "write another chain as ethereum:<chain id>"
            )
        return ChainRef.evm(entry.chain_id)
    raise ChainNameError(f"{family!r} is not a chain family (bitcoin, ethereum, evm)")


def identity(text: str) -> ChainRef | str:
    """What to compare a chain by: the chain `text` names, or, when it names none, the
    text itself (then it is the same as nothing but itself)."""
    try:
        return parse_chain(text)
    except ChainNameError:
        return text


def same_chain(a: str, b: str) -> bool:
    """Whether two spellings name one chain (`evm:base`, `ethereum:8453`)."""
    return a == b or identity(a) == identity(b)
