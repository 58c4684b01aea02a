"""The shipped EVM chain registry, and the strictness of its loader."""

import pytest
from pydantic import ValidationError

from chains.ethereum.registry import by_id, by_name, chains, parse_registry

MAINNETS = {
    "ethereum": (1, "ETH"),
    "bsc": (56, "BNB"),
    "polygon": (137, "POL"),
    "arbitrum": (42161, "ETH"),
    "optimism": (10, "ETH"),
    "base": (8453, "ETH"),
    "avalanche": (43114, "AVAX"),
}


def test_the_issue_s_mainnets_are_registered_with_their_chain_ids() -> None:
    for name, (chain_id, native) in MAINNETS.items():
        entry = by_name(name)
        assert entry is not None, name
        assert (entry.chain_id, entry.native, entry.decimals) == (chain_id, native, 18)
        assert entry.testnet_of is None and entry.multicall3
        assert by_id(chain_id) == entry


def test_every_mainnet_has_a_testnet_and_no_local_chain_is_shipped() -> None:
    testnets = {c.testnet_of for c in chains() if c.testnet_of is not None}
    assert testnets == set(MAINNETS)
    assert by_id(31337) is None and by_id(1337) is None
    sepolia = by_name("sepolia")
    assert sepolia is not None and sepolia.chain_id == 11155111


GOOD = """
[[chain]]
name = "one"
chain_id = 5
native = "ETH"
decimals = 18
confirmations = 3
multicall3 = false
"""


@pytest.mark.parametrize(
    "bad",
    [
        GOOD + GOOD,  # the same name and chain id twice
        GOOD.replace("multicall3 = false", "multicall3 = false\nextra = 1"),
        GOOD.replace("confirmations = 3\n", ""),
        GOOD.replace("confirmations = 3", "confirmations = 0"),
        GOOD.replace("decimals = 18", 'decimals = "18"'),
        GOOD.replace("multicall3 = false", 'multicall3 = false\ntestnet_of = "nothing"'),
        GOOD + GOOD.replace('"one"', '"two"'),  # another name, the same chain id
    ],
)
def test_a_faulty_registry_is_refused_whole(bad: str) -> None:
    with pytest.raises(ValidationError):
        parse_registry(bad)


def test_a_correct_registry_text_parses() -> None:
    (one,) = parse_registry(GOOD)
    assert (one.name, one.chain_id, one.multicall3) == ("one", 5, False)
