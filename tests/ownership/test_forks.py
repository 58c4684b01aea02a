"""Dogecoin and Litecoin BIP-137 signatures, hashed here under each coin's message
magic and signed with coincurve from keys the tests make (not via the verifier's
hashing): each verifies, each signature byte flipped fails, a wrong address fails."""

import base64
import hashlib

import pytest
from bitcoin.base58 import CBase58Data
from coincurve import PrivateKey

from chains.bitcoin import segwit
from tests.ownership import tamper
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, ownership_message
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.verify import BALANCES_NOT_READ, Binding, verify_proof

STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
KEY = PrivateKey(bytes(range(3, 35)))
OTHER = PrivateKey(bytes(range(4, 36)))
# chain, address type, magic, P2PKH version or bech32 prefix, BIP-137 header base
CASES = {
    "dogecoin p2pkh": ("dogecoin", b"Dogecoin Signed Message:\n", 0x1E, 31),
    "litecoin p2pkh": ("litecoin", b"Litecoin Signed Message:\n", 0x30, 31),
    "litecoin p2wpkh": ("litecoin", b"Litecoin Signed Message:\n", "ltc", 39),
}


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _address(key: PrivateKey, version: int | str) -> str:
    sha = hashlib.sha256(key.public_key.format()).digest()
    key_hash = hashlib.new("ripemd160", sha).digest()
    if isinstance(version, str):
        return segwit.encode(version, 0, key_hash)
    return str(CBase58Data.from_bytes(key_hash, version))


def _proof(case: str, key: PrivateKey = KEY, magic: bytes | None = None) -> OwnershipClaim:
    chain, coin_magic, version, header = CASES[case]
    magic = magic or coin_magic
    address = _address(key, version)
    message = ownership_message(chain, "mainnet", address).encode()
    digest = _sha256d(bytes([len(magic)]) + magic + bytes([len(message)]) + message)
    sig = key.sign_recoverable(digest, hasher=None)
    raw = bytes([header + sig[64]]) + sig[:64]
    return OwnershipClaim.model_validate(
        {
            "chain": f"{chain}:mainnet",
            "address": address,
            "message": message.decode(),
            "signature": base64.b64encode(raw).decode(),
        }
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_verifies_under_the_coins_magic(case: str) -> None:
    proof = _proof(case)
    result = verify_proof(proof, STRICT)
    assert result.status is Status.PASS, result.reason
    coin = CASES[case][1].split()[0].decode()
    assert result.evidence["scheme"] == f"BIP-137 ({coin} message magic)"
    assert result.evidence["balances"] == BALANCES_NOT_READ


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_signature_byte_flipped_fails(case: str) -> None:
    tamper.assert_every_signature_byte_fails(_proof(case), STRICT)


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrong_address_fails(case: str) -> None:
    proof = _proof(case)
    version = CASES[case][2]
    other = _address(OTHER, version)
    result = verify_proof(tamper.at_address(proof, other), STRICT)
    assert result.status is Status.FAIL
    assert "does not own" in result.reason


def test_bitcoin_magic_does_not_verify_as_dogecoin() -> None:
    """A Bitcoin-magic signature must not pass for a Dogecoin address of the same key."""
    proof = _proof("dogecoin p2pkh", magic=b"Bitcoin Signed Message:\n")
    assert verify_proof(proof, STRICT).status is Status.FAIL


@pytest.mark.parametrize(
    ("chain", "address", "problem"),
    [
        ("dogecoin", str(CBase58Data.from_bytes(bytes(20), 0x30)), "not Dogecoin P2PKH"),
        ("litecoin", str(CBase58Data.from_bytes(bytes(20), 0x1E)), "not Litecoin P2PKH"),
        ("litecoin", segwit.encode("ltc", 0, bytes(32)), "only ltc1 P2WPKH"),
        ("dogecoin", "D" + "1" * 33, "base58check"),
    ],
)
def test_bad_address_fails_naming_it(chain: str, address: str, problem: str) -> None:
    proof = _proof("litecoin p2pkh" if chain == "litecoin" else "dogecoin p2pkh")
    result = verify_proof(tamper.at_address(proof, address), STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason
