"""Signatures of the chains beyond Bitcoin's and Ethereum's standard ones, made here
from keys the tests make, with eth_keys for secp256k1 (not the verifier's coincurve
path) and PyNaCl for ed25519, hashed as the wallets do, written out here: each
verifies, each signature byte flipped fails, a wrong address fails."""

import hashlib

import base58
import pytest
from bitcoin.base58 import CBase58Data
from eth_keys import keys
from eth_utils import keccak
from nacl.signing import SigningKey

from tests.ownership import tamper
from tests.ownership.test_external import okx_rows
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, ownership_message
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership import ed25519, tron
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import keccak256
from verifier.ownership.verify import BALANCES_NOT_READ, Binding, verify_proof

STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
LEGACY = Binding(EXCHANGE, SNAPSHOT_ID, legacy_message=True)
KEY = keys.PrivateKey(bytes(range(1, 33)))
OTHER = keys.PrivateKey(bytes(range(2, 34)))


def _sign(key: keys.PrivateKey, digest: bytes) -> str:
    sig = key.sign_msg_hash(digest).to_bytes()
    return "0x" + (sig[:64] + bytes([27 + sig[64]])).hex()


def raw_keccak_proof(key: keys.PrivateKey = KEY) -> OwnershipClaim:
    address = key.public_key.to_checksum_address()
    message = ownership_message("ethereum", "1", address)
    return OwnershipClaim(
        chain="ethereum",
        address=address,
        message=message,
        signature=_sign(key, keccak256(message.encode())),
    )


def test_raw_keccak_is_accepted_with_legacy_message_and_marked_weaker() -> None:
    result = verify_proof(raw_keccak_proof(), LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == eip191.RAW_SCHEME
    assert result.evidence["weaker"] == eip191.RAW_WARNING
    assert "balances" not in result.evidence
    assert eip191.RAW_WARNING in result.evidence["warnings"]
    assert "weaker" in result.reason


def test_raw_keccak_fails_without_legacy_message() -> None:
    result = verify_proof(raw_keccak_proof(), STRICT)
    assert result.status is Status.FAIL


def test_raw_keccak_every_signature_byte_flipped_fails() -> None:
    tamper.assert_every_signature_byte_fails(raw_keccak_proof(), LEGACY)


def test_raw_keccak_wrong_address_fails() -> None:
    proof = raw_keccak_proof()
    other = OTHER.public_key.to_checksum_address()
    message = ownership_message("ethereum", "1", other)
    changed = proof.model_copy(update={"address": other, "message": message})
    assert verify_proof(changed, LEGACY).status is Status.FAIL


def _tron_address(key: keys.PrivateKey) -> str:
    return str(CBase58Data.from_bytes(key.public_key.to_canonical_address(), 0x41))


def tron_proof(hashing: str, key: keys.PrivateKey = KEY, chain: str = "tron") -> OwnershipClaim:
    """Hashed as TronWeb does, written out here rather than taken from the verifier."""
    address = _tron_address(key)
    message = ownership_message("tron", "mainnet", address).encode()
    header = b"\x19TRON Signed Message:\n"
    if hashing == "v1":
        digest = keccak(header + b"32" + keccak(message))
    elif hashing == "v1-bytes":  # trx.sign(toHex(message))
        digest = keccak(header + b"32" + message)
    else:
        digest = keccak(header + str(len(message)).encode() + message)
    return OwnershipClaim.model_validate(
        {
            "chain": chain,
            "address": address,
            "message": message.decode(),
            "signature": _sign(key, digest),
        }
    )


TRON_HASHINGS = [("v1", tron.SCHEMES[0]), ("v2", tron.SCHEMES[1]), ("v1-bytes", tron.SCHEMES[2])]


@pytest.mark.parametrize(("hashing", "scheme"), TRON_HASHINGS)
def test_tron_verifies_every_hashing(hashing: str, scheme: str) -> None:
    proof = tron_proof(hashing)
    assert proof.address.startswith("T")
    result = verify_proof(proof, STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == scheme
    assert result.evidence["warnings"] == []


def test_tron_row_may_name_the_network() -> None:
    assert tron_proof("v2", chain="tron:mainnet").chain == "tron"


@pytest.mark.parametrize("hashing", [h for h, _ in TRON_HASHINGS])
def test_tron_every_signature_byte_flipped_fails(hashing: str) -> None:
    tamper.assert_every_signature_byte_fails(tron_proof(hashing), STRICT)


def hex_message_tron_proof(prefix: str) -> OwnershipClaim:
    """A legacy list's hex message, signed as TronWeb's v1 signs hex: its decoded bytes."""
    payload = b"I own this address"
    digest = keccak(b"\x19TRON Signed Message:\n32" + payload)
    return OwnershipClaim(
        chain="tron",
        address=_tron_address(KEY),
        message=prefix + payload.hex(),
        signature=_sign(KEY, digest),
    )


@pytest.mark.parametrize("prefix", ["", "0x"])
def test_tron_v1_over_a_hex_message_verifies_its_decoded_bytes(prefix: str) -> None:
    proof = hex_message_tron_proof(prefix)
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == tron.SCHEMES[3]
    tamper.assert_every_signature_byte_fails(proof, LEGACY)


def test_tron_hex_message_of_other_bytes_fails() -> None:
    proof = hex_message_tron_proof("0x")
    changed = proof.model_copy(update={"message": proof.message[:-2] + "00"})
    assert verify_proof(changed, LEGACY).status is Status.FAIL


def test_tron_wrong_address_fails() -> None:
    proof = tron_proof("v2")
    other = _tron_address(OTHER)
    result = verify_proof(tamper.at_address(proof, other), STRICT)
    assert result.status is Status.FAIL
    assert "another address" in result.reason


@pytest.mark.parametrize(
    ("address", "problem"),
    [("T" + "1" * 33, "base58check"), (str(CBase58Data.from_bytes(bytes(20), 0x00)), "0x41")],
)
def test_tron_bad_address_fails_naming_it(address: str, problem: str) -> None:
    proof = tron_proof("v2")
    result = verify_proof(tamper.at_address(proof, address), STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason


def test_tron_message_for_another_chain_fails() -> None:
    proof = tron_proof("v2")
    message = ownership_message("ethereum", "1", proof.address)
    result = verify_proof(proof.model_copy(update={"message": message}), STRICT)
    assert result.status is Status.FAIL
    assert "message is for chain" in result.reason


SOLANA_KEY = SigningKey(bytes(range(5, 37)))


def _solana(key: SigningKey = SOLANA_KEY, hex_signature: bool = False) -> OwnershipClaim:
    """Signed with PyNaCl's SigningKey, as Solana wallets sign the message's bytes."""
    address = base58.b58encode(bytes(key.verify_key)).decode()
    message = ownership_message("solana", "mainnet", address)
    sig = key.sign(message.encode()).signature
    text = "0x" + sig.hex() if hex_signature else base58.b58encode(sig).decode()
    return OwnershipClaim(chain="solana", address=address, message=message, signature=text)


@pytest.mark.parametrize("hex_signature", [False, True])
def test_solana_verifies(hex_signature: bool) -> None:
    result = verify_proof(_solana(hex_signature=hex_signature), STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ed25519.SOLANA_SCHEME


def test_solana_every_signature_byte_flipped_fails() -> None:
    tamper.assert_every_signature_byte_fails(_solana(hex_signature=True), STRICT)


def test_solana_wrong_address_fails() -> None:
    proof = _solana()
    other = _solana(SigningKey(bytes(range(6, 38)))).address
    result = verify_proof(tamper.at_address(proof, other), STRICT)
    assert result.status is Status.FAIL
    assert "wrong message, signature or address" in result.reason


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("address", "0OIl", "not base58"),
        ("address", "1111", "not 32"),
        ("signature", "0xabcd", "not 64"),
        ("signature", "zzzz", "not 64"),
    ],
)
def test_solana_malformed_fails_naming_it(field: str, value: str, problem: str) -> None:
    proof = _solana()
    if field == "address":
        changed = tamper.at_address(proof, value)
    else:
        changed = proof.model_copy(update={"signature": value})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason


APTOS_KEY = SigningKey(bytes(range(7, 39)))


def _aptos_address(key: SigningKey) -> str:
    return "0x" + hashlib.sha3_256(bytes(key.verify_key) + b"\x00").hexdigest()


def _aptos(key: SigningKey = APTOS_KEY, address_line: bool = True) -> OwnershipClaim:
    """The full message as the Aptos wallet standard writes it, signed with PyNaCl."""
    address = _aptos_address(key)
    inner = ownership_message("aptos", "mainnet", address)
    head = f"APTOS\naddress: {address}\n" if address_line else "APTOS\n"
    full = f"{head}application: https://example.org\nchainId: 1\nmessage: {inner}\nnonce: 42"
    return OwnershipClaim(
        chain="aptos",
        address=address,
        message=full,
        signature="0x" + key.sign(full.encode()).signature.hex(),
        public_key=bytes(key.verify_key).hex(),
    )


@pytest.mark.parametrize("address_line", [True, False])
def test_aptos_verifies(address_line: bool) -> None:
    result = verify_proof(_aptos(address_line=address_line), STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ed25519.APTOS_SCHEME
    assert result.evidence["balances"] == BALANCES_NOT_READ
    assert BALANCES_NOT_READ in result.reason


def test_aptos_every_signature_byte_flipped_fails() -> None:
    tamper.assert_every_signature_byte_fails(_aptos(), STRICT)


def test_aptos_wrong_address_fails() -> None:
    other = _aptos(SigningKey(bytes(range(8, 40))))
    # The other key's address and key, with this key's full message and signature.
    changed = _aptos().model_copy(update={"address": other.address, "public_key": other.public_key})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.FAIL
    assert "names address" in result.reason


@pytest.mark.parametrize(
    ("update", "problem"),
    [
        ({"public_key": None}, "public_key: an Aptos proof needs"),
        ({"public_key": "00" * 32}, "not the key of this address"),
        # Not in the wallet standard's shape: read as OKX signs it, and it binds nothing.
        ({"message": "por-ownership:v1"}, "not the por-ownership:v1 ownership message"),
        ({"message": "APTOS\nfoo: 1\nmessage: m\nnonce: 1"}, "unknown line"),
    ],
)
def test_aptos_malformed_fails_naming_it(update: dict[str, str | None], problem: str) -> None:
    result = verify_proof(_aptos().model_copy(update=update), STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason


def test_aptos_other_keys_message_with_this_signature_fails() -> None:
    """Everything of the other key's proof but the signature, which is this key's."""
    other = _aptos(SigningKey(bytes(range(8, 40))))
    changed = other.model_copy(update={"signature": _aptos().signature})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.FAIL
    assert "wrong message, signature or address" in result.reason


def _okx_solana(key: SigningKey = SOLANA_KEY) -> OwnershipClaim:
    """As OKX signs its Solana rows: ed25519 over OKX's var-string framing, written out
    here (common/hash.go HashEd25519Msg), not through the verifier's `okx_signed`."""
    address = base58.b58encode(bytes(key.verify_key)).decode()
    message = ownership_message("solana", "mainnet", address).encode()
    signed = b"\x14OKX Signed Message:\n" + bytes([len(message)]) + message
    assert len(message) < 0xFD  # one length byte, as written
    sig = key.sign(signed).signature
    return OwnershipClaim(
        chain="solana", address=address, message=message.decode(), signature="0x" + sig.hex()
    )


def test_solana_okx_signed_message_verifies_and_every_byte_flipped_fails() -> None:
    result = verify_proof(_okx_solana(), STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ed25519.SOLANA_OKX_SCHEME
    tamper.assert_every_signature_byte_fails(_okx_solana(), STRICT)


def test_solana_okx_signature_of_another_key_fails() -> None:
    other = _okx_solana(SigningKey(bytes(range(6, 38))))
    changed = _okx_solana().model_copy(update={"signature": other.signature})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.FAIL
    assert "as the message or as an OKX Signed Message" in result.reason


def _okx_aptos(key: SigningKey = APTOS_KEY) -> OwnershipClaim:
    address = _aptos_address(key)
    message = ownership_message("aptos", "mainnet", address).encode()
    signed = b"\x14OKX Signed Message:\n" + bytes([len(message)]) + message
    return OwnershipClaim(
        chain="aptos",
        address=address,
        message=message.decode(),
        signature="0x" + key.sign(signed).signature.hex(),
        public_key=bytes(key.verify_key).hex(),
    )


def test_aptos_okx_signed_message_verifies_and_every_byte_flipped_fails() -> None:
    result = verify_proof(_okx_aptos(), STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ed25519.APTOS_OKX_SCHEME
    tamper.assert_every_signature_byte_fails(_okx_aptos(), STRICT)


def test_aptos_okx_signature_over_the_bare_message_fails() -> None:
    """The bare message's signature is no OKX signature: the framing is part of it."""
    proof = _okx_aptos()
    bare = APTOS_KEY.sign(proof.message.encode()).signature
    result = verify_proof(proof.model_copy(update={"signature": "0x" + bare.hex()}), STRICT)
    assert result.status is Status.FAIL
    assert "as an OKX Signed Message" in result.reason


def test_aptos_okx_another_key_fails() -> None:
    other = _okx_aptos(SigningKey(bytes(range(8, 40))))
    changed = _okx_aptos().model_copy(update={"public_key": other.public_key})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.FAIL
    assert "not the key of this address" in result.reason


def test_okx_published_list_aptos_row(shared) -> None:  # type: ignore[no-untyped-def]
    """The APTOS row of OKX's example list: its signature is the key's over the OKX
    Signed Message, and the key's authentication key is the row's eoa1 (OKX's owner
    mode for a rotated account), not its address 0xdeadbeef...; checked here as a
    proof by eoa1, which is what OKX's verifier checks."""
    row = next(r for r in okx_rows(shared) if r["Network"] == "APTOS")
    proof = OwnershipClaim(
        chain="aptos",
        address=row["eoa1"],
        message=row["message"],
        signature=row["signature1"],
        public_key=row["redeem script/ public key"],
    )
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ed25519.APTOS_OKX_SCHEME
    tamper.assert_every_signature_byte_fails(proof, LEGACY)
    # By its own address the key is not the account's: OKX's verifier does not ask.
    as_published = verify_proof(proof.model_copy(update={"address": row["address"]}), LEGACY)
    assert as_published.status is Status.FAIL
    assert "not the key of this address" in as_published.reason
