"""Signatures of the chains beyond Bitcoin's and Ethereum's standard ones, made here
with eth_keys (not the verifier's coincurve path) from keys the tests make: each
verifies, each signature byte flipped fails, a wrong address fails."""

from eth_keys import keys

from tests.ownership import tamper
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, ownership_message
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import keccak256
from verifier.ownership.verify import Binding, verify_proof

STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
LEGACY = Binding(EXCHANGE, SNAPSHOT_ID, legacy_message=True)
KEY = keys.PrivateKey(bytes(range(1, 33)))
OTHER = keys.PrivateKey(bytes(range(2, 34)))


def _sign(key: keys.PrivateKey, digest: bytes) -> str:
    sig = key.sign_msg_hash(digest).to_bytes()
    return "0x" + (sig[:64] + bytes([27 + sig[64]])).hex()


def _raw_keccak(key: keys.PrivateKey = KEY) -> OwnershipClaim:
    address = key.public_key.to_checksum_address()
    message = ownership_message("ethereum", "1", address)
    return OwnershipClaim(
        chain="ethereum",
        address=address,
        message=message,
        signature=_sign(key, keccak256(message.encode())),
    )


def test_raw_keccak_is_accepted_with_legacy_message_and_marked_weaker() -> None:
    result = verify_proof(_raw_keccak(), LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == eip191.RAW_SCHEME
    assert result.evidence["weaker"] == eip191.RAW_WARNING
    assert eip191.RAW_WARNING in result.evidence["warnings"]
    assert "weaker" in result.reason


def test_raw_keccak_fails_without_legacy_message() -> None:
    result = verify_proof(_raw_keccak(), STRICT)
    assert result.status is Status.FAIL


def test_raw_keccak_every_signature_byte_flipped_fails() -> None:
    proof = _raw_keccak()
    for i, sig in tamper.signatures(proof.signature):
        changed = proof.model_copy(update={"signature": sig})
        result = verify_proof(changed, LEGACY)
        assert result.status is Status.FAIL, f"byte {i} flipped still verifies"


def test_raw_keccak_wrong_address_fails() -> None:
    proof = _raw_keccak()
    other = OTHER.public_key.to_checksum_address()
    message = ownership_message("ethereum", "1", other)
    changed = proof.model_copy(update={"address": other, "message": message})
    assert verify_proof(changed, LEGACY).status is Status.FAIL
