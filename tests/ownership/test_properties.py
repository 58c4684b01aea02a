"""Generated keys and messages: what is signed verifies, for every BIP-137 header
range and both Ethereum hashings; the same signature never verifies another
message."""

from hypothesis import given, settings
from hypothesis import strategies as st

from chains.bitcoin.addresses import parse
from tests.ownership.vectors import eth_address, sign_eip191
from tests.support import btcsign as s
from verifier.ownership.btc.signature import verify as verify_btc
from verifier.ownership.eth import eip191
from verifier.ownership.eth.address import parse as parse_eth
from verifier.ownership.hashes import hash160
from verifier.ownership.outcome import Rejected

secrets = st.integers(min_value=1, max_value=s.SECP256K1_N - 1).map(s.PrivateKey.from_int)
texts = st.text(max_size=300)


def _address(key: s.PrivateKey, kind: str, net: s.Net) -> str:
    compressed = kind != "p2pkh-uncompressed"
    kh = hash160(s.pub(key, compressed))
    if kind.startswith("p2pkh"):
        return s.p2pkh(net, kh)
    if kind == "p2sh-p2wpkh":
        return s.p2sh(net, b"\x00\x14" + kh)
    return s.segwit(net, 0, kh)


@settings(max_examples=60, deadline=None)
@given(
    key=secrets,
    message=texts,
    other=texts,
    kind=st.sampled_from(sorted(s.HEADER_BASE)),
    net=st.sampled_from([s.MAINNET, s.REGTEST]),
)
def test_bip137_signs_and_verifies_for_every_header_range(
    key: s.PrivateKey, message: str, other: str, kind: str, net: s.Net
) -> None:
    address = parse(_address(key, kind, net))
    sig = s.sign_bip137(key, message, s.HEADER_BASE[kind])
    assert verify_btc(address, message, sig).scheme == "BIP-137"
    if other != message:
        try:
            verify_btc(address, other, sig)
        except Rejected:
            return
        raise AssertionError("a signature verified another message")


@settings(max_examples=60, deadline=None)
@given(key=secrets, message=texts, other=texts, keccak_variant=st.booleans())
def test_eip191_signs_and_verifies_in_both_hashings(
    key: s.PrivateKey, message: str, other: str, keccak_variant: bool
) -> None:
    address = parse_eth(eth_address(key))
    digest = list(eip191.digests(message.encode()))[int(keccak_variant)][1]
    sig = eip191.parse_signature(sign_eip191(key, digest))
    assert eip191.verify(address, message.encode(), sig).scheme == eip191.SCHEMES[keccak_variant]
    if other != message:
        try:
            eip191.verify(address, other.encode(), sig)
        except Rejected:
            return
        raise AssertionError("a signature verified another message")
