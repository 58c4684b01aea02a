"""The suite's own vectors (every address type, mainnet and regtest, DEMO KEYS):
each verifies, and each one-byte change of signature, message or address fails."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chains.bitcoin import addresses as btc_address
from tests.ownership import tamper
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, all_vectors
from tests.support import btcsign
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.btc import signature as btc_signature
from verifier.ownership.outcome import Rejected
from verifier.ownership.verify import Binding, verify_all, verify_proof

VECTORS = all_vectors()
NAMES = sorted(VECTORS)
STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
# Accepts any message, so a changed message can only be caught by the signature.
LAX = Binding(legacy_message=True)


def test_every_address_type_is_covered_on_both_networks() -> None:
    kinds = {
        (name.split()[0], btc_address.parse(p.address).kind)
        for name, p in VECTORS.items()
        if p.chain == "bitcoin"
    }
    every = {k for k in btc_address.Kind if k is not btc_address.Kind.WITNESS_UNKNOWN}
    assert kinds == {(net, k) for net in ("mainnet", "regtest") for k in every}


@pytest.mark.parametrize("name", NAMES)
def test_vector_verifies(name: str) -> None:
    result = verify_proof(VECTORS[name], STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["warnings"] == []


@pytest.mark.parametrize(
    ("name", "scheme", "detail"),
    [
        ("mainnet bip137 p2wpkh signed with a p2pkh header", "BIP-137", "habit"),
        ("regtest bip322 full p2wsh timelock", "BIP-322 full", "p2wsh (time-locked script)"),
        ("mainnet bip322 simple p2wsh 2-of-3", "BIP-322 simple", "p2wsh (2-of-3 multisig)"),
        ("mainnet bip322 full p2wsh 2-of-3", "BIP-322 full", "p2wsh (2-of-3 multisig)"),
        ("mainnet bip322 simple p2tr", "BIP-322 simple", "p2tr"),
        ("ethereum keccak variant key 0", "EIP-191 personal_sign of keccak256(message)", ""),
    ],
)
def test_result_names_the_scheme(name: str, scheme: str, detail: str) -> None:
    result = verify_proof(VECTORS[name], STRICT)
    assert result.evidence["scheme"] == scheme
    assert detail in result.reason


@pytest.mark.parametrize("name", NAMES)
def test_every_signature_byte_flipped_fails(name: str) -> None:
    proof = VECTORS[name]
    for i, sig in tamper.signatures(proof.signature):
        result = verify_proof(proof.model_copy(update={"signature": sig}), STRICT)
        assert result.status is Status.FAIL, f"byte {i}: {result.reason}"


# Two one-byte changes keep a signature valid by design: an Ethereum v of 27/28
# written as 0/1 (wallets use both), and a segwit BIP-137 header rewritten as the
# P2PKH header (31-34) that many wallets use for segwit addresses.
def _equivalent(proof: OwnershipClaim, position: int, value: int) -> bool:
    raw = tamper.signature_bytes(proof.signature)[1]
    position %= len(raw)
    old = raw[position]
    if proof.chain == "ethereum":
        return position == 64 and value in (old - 27, old + 27)
    if len(raw) != 65 or position != 0 or old < 31 or (value - old) % 4:
        return False
    kind = btc_address.parse(proof.address).kind
    segwit_header = {btc_address.Kind.P2SH: range(35, 39), btc_address.Kind.P2WPKH: range(39, 43)}
    return kind in segwit_header and (31 <= value <= 34 or value in segwit_header[kind])


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(NAMES),
    position=st.integers(min_value=0, max_value=10_000),
    value=st.integers(min_value=0, max_value=255),
)
def test_any_signature_byte_replaced_fails(name: str, position: int, value: int) -> None:
    proof = VECTORS[name]
    sig = tamper.replace_byte(proof.signature, position, value)
    if sig == proof.signature or _equivalent(proof, position, value):
        return
    result = verify_proof(proof.model_copy(update={"signature": sig}), STRICT)
    assert result.status is Status.FAIL, result.reason


@pytest.mark.parametrize("name", NAMES)
def test_every_message_byte_changed_fails(name: str) -> None:
    proof = VECTORS[name]
    for binding in (STRICT, LAX):
        for i, message in tamper.messages(proof.message):
            result = verify_proof(proof.model_copy(update={"message": message}), binding)
            assert result.status is Status.FAIL, f"char {i}: {result.reason}"


@pytest.mark.parametrize("name", NAMES)
def test_every_address_character_changed_fails(name: str) -> None:
    proof = VECTORS[name]
    for i, address in tamper.address_texts(proof.address):
        result = verify_proof(proof.model_copy(update={"address": address}), LAX)
        assert result.status is Status.FAIL, f"char {i}: {result.reason}"


@pytest.mark.parametrize("name", [n for n in NAMES if VECTORS[n].chain == "bitcoin"])
def test_signature_fails_for_an_address_one_byte_away(name: str) -> None:
    """With valid checksums, only the signature can notice the other address."""
    proof = VECTORS[name]
    address = btc_address.parse(proof.address)
    net = btcsign.MAINNET if "mainnet" in address.networks else btcsign.REGTEST
    version = net.p2pkh if address.kind is btc_address.Kind.P2PKH else net.p2sh
    target = net.hrp if address.witness_version is not None else version
    for other in tamper.address_programs(address, target):
        with pytest.raises(Rejected):
            btc_signature.verify(btc_address.parse(other), proof.message, proof.signature)


def test_wrong_exchange_or_snapshot_fails_with_the_field_named() -> None:
    proof = VECTORS["mainnet bip322 simple p2tr"]
    other_exchange = verify_proof(proof, Binding("other-exchange", SNAPSHOT_ID))
    other_snapshot = verify_proof(proof, Binding(EXCHANGE, "2020-01-01"))
    assert other_exchange.status is other_snapshot.status is Status.FAIL
    assert "exchange 'demo-exchange'" in other_exchange.reason
    assert "snapshot" in other_snapshot.reason


def test_message_for_another_network_fails() -> None:
    proof = VECTORS["regtest bip137 p2pkh"]
    wrong = proof.message.replace("bitcoin:regtest", "bitcoin:mainnet")
    result = verify_proof(proof.model_copy(update={"message": wrong}), STRICT)
    assert result.status is Status.FAIL
    assert "network 'mainnet'" in result.reason


def test_legacy_message_needs_the_flag_and_is_warned() -> None:
    key = btcsign.demo_key(0)
    address = VECTORS["mainnet bip137 p2pkh"].address
    phrase = "I am an exchange address"
    proof = OwnershipClaim(
        chain="bitcoin",
        address=address,
        message=phrase,
        signature=btcsign.sign_bip137(key, phrase, 31),
    )
    refused = verify_proof(proof, STRICT)
    assert refused.status is Status.FAIL
    # The reason names no flag (por verify has none): it says what would accept it.
    assert "legacy messages are allowed" in refused.reason
    accepted = verify_proof(proof, Binding(EXCHANGE, SNAPSHOT_ID, legacy_message=True))
    assert accepted.status is Status.PASS
    assert "replayed" in accepted.reason
    assert accepted.evidence["warnings"]


def test_timelocked_script_cannot_be_proven_by_a_simple_signature() -> None:
    """The simple format fixes lock time 0, so CLTV must refuse it: the interpreter
    really runs the script."""
    proof = VECTORS["mainnet bip322 full p2wsh timelock"]
    from verifier.ownership.btc import bip322

    raw = tamper.signature_bytes(proof.signature)[1]
    tx = bip322.parse_transaction(raw)
    assert tx is not None
    simple = btcsign.encode(bip322.witness_of(tx), "smp")
    result = verify_proof(proof.model_copy(update={"signature": simple}), STRICT)
    assert result.status is Status.FAIL
    assert "script" in result.reason


def test_published_script_must_match_the_address_and_the_witness() -> None:
    multisig = VECTORS["mainnet bip322 full p2wsh 2-of-3"]
    timelock = VECTORS["mainnet bip322 full p2wsh timelock"]
    swapped = verify_proof(multisig.model_copy(update={"script": timelock.script}), STRICT)
    assert swapped.status is Status.FAIL
    assert "does not hash to the address" in swapped.reason
    no_script = verify_proof(multisig.model_copy(update={"script": None}), STRICT)
    assert no_script.status is Status.PASS


@pytest.mark.parametrize(
    "name",
    [
        "mainnet bip137 p2pkh",
        "mainnet bip322 simple p2wpkh",
        "mainnet bip322 full p2wsh 2-of-3",
        "mainnet bip322 simple p2tr",
        "ethereum personal_sign key 0",
    ],
)
def test_published_public_key_must_be_the_signer(name: str) -> None:
    proof = VECTORS[name]
    signer = btcsign.demo_key(1 if "2-of-3" in name else 0)
    own = btcsign.pub(signer)
    stranger = btcsign.pub(btcsign.demo_key(9))
    assert verify_proof(proof.model_copy(update={"public_key": own.hex()}), STRICT).passed
    wrong = verify_proof(proof.model_copy(update={"public_key": stranger.hex()}), STRICT)
    assert wrong.status is Status.FAIL
    assert "public_key" in wrong.reason


def test_header_for_another_address_type_fails_with_the_types_named() -> None:
    proof = VECTORS["mainnet bip137 p2pkh"]
    key = btcsign.demo_key(0)
    sig = btcsign.sign_bip137(key, proof.message, btcsign.HEADER_BASE["p2wpkh"])
    result = verify_proof(proof.model_copy(update={"signature": sig}), STRICT)
    assert result.status is Status.FAIL
    assert "p2wpkh address, this is a p2pkh address" in result.reason


def test_address_of_a_witness_version_without_rules_is_inconclusive() -> None:
    """Anyone can spend such an output today, so a valid spend proves no control."""
    proof = VECTORS["mainnet bip322 simple p2tr"]
    future = btcsign.segwit(btcsign.MAINNET, 2, bytes(32))
    message = proof.message.replace(proof.address, future)
    result = verify_proof(proof.model_copy(update={"address": future, "message": message}), STRICT)
    assert result.status is Status.INCONCLUSIVE
    assert "anyone can sign" in result.reason


def test_verify_all_answers_in_the_order_given() -> None:
    """Proofs are checked grouped by kind, but each result stays at its row."""
    rows = [VECTORS[n] for n in NAMES][::-1]
    broken = 5
    rows[broken] = rows[broken].model_copy(update={"message": "tampered"})
    results = verify_all(rows, STRICT)
    assert [r.id for r in results] == [f"ownership {p.chain} {p.address}" for p in rows]
    assert [i for i, r in enumerate(results) if not r.passed] == [broken]
