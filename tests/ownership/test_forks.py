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
# chain, address type, magic, P2PKH version, bech32 prefix or ("p2sh", version),
# BIP-137 header base
CASES: dict[str, tuple[str, bytes, int | str | tuple[str, int], int]] = {
    "dogecoin p2pkh": ("dogecoin", b"Dogecoin Signed Message:\n", 0x1E, 31),
    "litecoin p2pkh": ("litecoin", b"Litecoin Signed Message:\n", 0x30, 31),
    "litecoin p2wpkh": ("litecoin", b"Litecoin Signed Message:\n", "ltc", 39),
    "litecoin p2sh-p2wpkh M": ("litecoin", b"Litecoin Signed Message:\n", ("p2sh", 0x32), 35),
    "litecoin p2sh-p2wpkh 3": ("litecoin", b"Litecoin Signed Message:\n", ("p2sh", 0x05), 35),
}


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _hash160(data: bytes) -> bytes:
    return hashlib.new("ripemd160", hashlib.sha256(data).digest()).digest()


def _address(key: PrivateKey, version: int | str | tuple[str, int]) -> str:
    key_hash = _hash160(key.public_key.format())
    if isinstance(version, str):
        return segwit.encode(version, 0, key_hash)
    if isinstance(version, tuple):  # P2SH-P2WPKH: the script 0 <20 bytes>
        return str(CBase58Data.from_bytes(_hash160(b"\x00\x14" + key_hash), version[1]))
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
        ("dogecoin", str(CBase58Data.from_bytes(bytes(20), 0x16)), "Dogecoin has no segwit"),
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


def _multisig_2of3() -> bytes:
    keys = [KEY, OTHER, PrivateKey(bytes(range(5, 37)))]
    pushes = b"".join(bytes([33]) + k.public_key.format() for k in keys)
    return b"\x52" + pushes + b"\x53\xae"  # OP_2 <3 keys> OP_3 OP_CHECKMULTISIG


def test_litecoin_multisig_p2sh_cannot_be_proven_by_one_signature() -> None:
    """One of the script's keys signs with the P2SH header: the key's own
    P2SH-P2WPKH address is not the multisig's, and the reason says why no single
    signed message can prove it."""
    proof = _proof("litecoin p2sh-p2wpkh M")
    multisig = str(CBase58Data.from_bytes(_hash160(_multisig_2of3()), 0x32))
    result = verify_proof(tamper.at_address(proof, multisig), STRICT)
    assert result.status is Status.FAIL
    assert "multisig P2SH cannot be proven by one signed message" in result.reason


def test_litecoin_p2sh_signature_with_a_p2pkh_header_of_the_key_is_the_wallet_habit() -> None:
    """Electrum-style wallets sign segwit addresses with header 31-34: accepted, and said."""
    proof = _proof("litecoin p2sh-p2wpkh M")
    raw = bytearray(base64.b64decode(proof.signature))
    raw[0] -= 4  # 35-38 -> 31-34
    changed = proof.model_copy(update={"signature": base64.b64encode(bytes(raw)).decode()})
    result = verify_proof(changed, STRICT)
    assert result.status is Status.PASS, result.reason
    assert "wallet habit" in result.reason
