"""The shipped EVM chain registry, and the strictness of its loader."""

import pytest
from pydantic import ValidationError

from chains.ethereum.registry import by_id, by_name, chains, parse_registry, token

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
    (one,) = parse_registry(GOOD).chain
    assert (one.name, one.chain_id, one.multicall3) == ("one", 5, False)


def test_the_lists_stablecoins_on_ethereum_are_registered() -> None:
    usdt, usdc = token(1, "USDT"), token(1, "usdc")
    assert usdt is not None and usdc is not None
    assert (usdt.address, usdt.decimals) == ("0xdAC17F958D2ee523a2206206994597C13D831ec7", 6)
    assert (usdc.address, usdc.decimals) == ("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 6)
    # Only where listed: not on another chain, not an unknown symbol or chain.
    assert token(10, "USDT") is None and token(1, "HT") is None and token(31337, "USDT") is None


TOKEN = """
[[token]]
chain = "one"
symbol = "USDT"
address = "0xdAC17F958D2ee523a2206206994597C13D831ec7"
decimals = 6
"""


def test_a_token_entry_parses() -> None:
    (usdt,) = parse_registry(GOOD + TOKEN).token
    assert (usdt.chain, usdt.symbol, usdt.decimals) == ("one", "USDT", 6)


@pytest.mark.parametrize(
    "bad",
    [
        TOKEN + TOKEN,  # the same symbol twice on one chain
        TOKEN.replace('"one"', '"two"'),  # a chain not listed
        TOKEN.replace(
            "0xdAC17F958D2ee523a2206206994597C13D831ec7",
            "0xdac17f958d2ee523a2206206994597c13d831ec7",
        ),
        TOKEN.replace(
            "0xdAC17F958D2ee523a2206206994597C13D831ec7",
            "0xdAC17F958D2ee523a2206206994597C13D831ec8",
        ),
        TOKEN.replace("decimals = 6", "decimals = 37"),
        TOKEN.replace('symbol = "USDT"', 'symbol = "usdt"'),
    ],
)
def test_a_faulty_token_entry_refuses_the_registry(bad: str) -> None:
    with pytest.raises(ValidationError):
        parse_registry(GOOD + bad)
