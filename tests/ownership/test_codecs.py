"""The ownership message and the segwit address codec, property-tested."""

import pytest
from bitcoin import segwit_addr
from bitcoin.base58 import CBase58Data
from hypothesis import given
from hypothesis import strategies as st

from chains.bitcoin import segwit
from chains.bitcoin.addresses import AddressError, Kind, _base58check, parse
from verifier.ownership import message

line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), min_size=1
)


@given(line_text, line_text, st.sampled_from(["bitcoin", "ethereum"]), line_text, line_text)
def test_ownership_message_round_trips(
    exchange: str, snapshot: str, chain: str, network: str, address: str
) -> None:
    network = network.replace(":", "")
    if not network:
        return
    m = message.OwnershipMessage(exchange, snapshot, chain, network, address)
    assert message.parse(m.text()) == m


def test_ownership_message_is_exactly_the_design_text() -> None:
    m = message.OwnershipMessage("acme", "2026-11-26", "bitcoin", "mainnet", "bc1qexample")
    assert m.text() == (
        "por-ownership:v1\nexchange: acme\nsnapshot: 2026-11-26\n"
        "chain: bitcoin:mainnet\naddress: bc1qexample"
    )


@pytest.mark.parametrize(
    "near_miss",
    [
        "por-ownership:v1\nexchange: a\nsnapshot: s\nchain: bitcoin:mainnet\naddress: x\n",
        "por-ownership:v1\r\nexchange: a\nsnapshot: s\nchain: bitcoin:mainnet\naddress: x",
        "por-ownership:v2\nexchange: a\nsnapshot: s\nchain: bitcoin:mainnet\naddress: x",
        "por-ownership:v1\nexchange:a\nsnapshot: s\nchain: bitcoin:mainnet\naddress: x",
        "por-ownership:v1\nsnapshot: s\nexchange: a\nchain: bitcoin:mainnet\naddress: x",
        "por-ownership:v1\nexchange: a\nsnapshot: s\nchain: bitcoin\naddress: x",
        "por-ownership:v1\nexchange: \nsnapshot: s\nchain: bitcoin:mainnet\naddress: x",
    ],
)
def test_near_misses_are_not_ownership_messages(near_miss: str) -> None:
    assert message.parse(near_miss) is None


@given(
    st.sampled_from(["bc", "tb", "bcrt"]),
    st.binary(min_size=20, max_size=20) | st.binary(min_size=32, max_size=32),
)
def test_bech32_v0_agrees_with_the_reference_codec(hrp: str, program: bytes) -> None:
    text = segwit.encode(hrp, 0, program)
    assert segwit_addr.encode(hrp, 0, program) == text
    assert segwit.decode_any(text) == (hrp, 0, program)
    assert segwit.decode_any(text.upper()) == (hrp, 0, program)


@given(st.binary(min_size=32, max_size=32))
def test_bech32m_taproot_round_trips(program: bytes) -> None:
    address = parse(segwit.encode("bc", 1, program))
    assert address.kind is Kind.P2TR
    assert address.script_pubkey == b"\x51\x20" + program


@pytest.mark.parametrize(
    "bad",
    [
        # BIP-350's invalid addresses: bech32 checksum on v1, bech32m on v0, bad padding...
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        "bc1zw508d6qejxtdg4y5r3zarqfsj8v",
        "bc1gmk9yu",
        "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0m",
        "bC1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l",
        "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAt",
        "ltc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l",
        "",
    ],
)
def test_bad_addresses_are_refused(bad: str) -> None:
    with pytest.raises(AddressError):
        parse(bad)


@given(st.binary(max_size=30), st.integers(min_value=0, max_value=255))
def test_base58check_agrees_with_the_reference_codec(payload: bytes, version: int) -> None:
    text = str(CBase58Data.from_bytes(payload, version))
    assert _base58check(text) == bytes([version]) + payload
