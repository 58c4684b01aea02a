"""One chain identity for every spelling: evm:<name>, ethereum:<chain id>, bitcoin:<net>."""

import pytest

from chains.names import ChainNameError, ChainRef, native_assets, parse_chain, same_chain


@pytest.mark.parametrize(
    ("text", "chain_id"),
    [
        ("evm:ethereum", 1),
        ("ethereum:1", 1),
        ("ethereum:mainnet", 1),
        ("evm:base", 8453),
        ("ethereum:8453", 8453),
        ("evm:bsc", 56),
        ("evm:avalanche-fuji", 43113),
        ("ethereum:31337", 31337),
        ("ethereum:anvil", 31337),
    ],
)
def test_evm_spellings_name_a_chain_id(text: str, chain_id: int) -> None:
    ref = parse_chain(text)
    assert ref == ChainRef.evm(chain_id) and ref.chain_id == chain_id


def test_registered_chains_bring_their_native_asset_depth_and_name() -> None:
    bsc, local = parse_chain("ethereum:56"), parse_chain("ethereum:31337")
    assert (bsc.native, bsc.confirmations, bsc.registered and bsc.registered.name) == (
        "BNB",
        15,
        "bsc",
    )
    assert (local.native, local.confirmations, local.registered) == ("ETH", 64, None)
    assert parse_chain("evm:polygon").native == "POL"
    btc = parse_chain("bitcoin:regtest")
    assert (btc.family, btc.native, btc.registered) == ("bitcoin", "BTC", None)
    assert native_assets() == {"BTC", "ETH", "BNB", "POL", "AVAX"}


def test_same_chain_compares_identities_not_text() -> None:
    assert same_chain("evm:base", "ethereum:8453")
    assert same_chain("ethereum:1", "ethereum:mainnet")
    assert not same_chain("evm:base", "evm:base-sepolia")
    assert not same_chain("evm:ethereum", "bitcoin:mainnet")
    assert not same_chain("evm:nothing", "ethereum:1")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("evm:moon", "'moon' is not a registered EVM chain"),
        ("evm:8453", "'8453' is not a registered EVM chain"),
        ("ethereum:base", "'base' is neither a chain id nor an Ethereum network"),
        ("ethereum:" + "9" * 21, "is neither a chain id"),
        ("ethereum:18446744073709551616", "is neither a chain id"),
        ("bitcoin:moon", "'moon' is not a Bitcoin network"),
        ("solana:mainnet", "'solana' is not a chain family"),
        ("evm", "is not FAMILY:NETWORK"),
    ],
)
def test_what_names_no_chain_is_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(ChainNameError, match=says):
        parse_chain(text)
