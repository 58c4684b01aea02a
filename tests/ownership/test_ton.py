"""TON ownership signatures: keys made here with PyNaCl, addresses built here with
ton-core's wallet codes and data layouts (as a wallet app builds them), signed as
the message or as OKX signs; plus OKX's own published TON vectors."""

import pytest
from nacl.signing import SigningKey
from ton_core import Address, StateInit, to_cell
from ton_core.contrib.contracts.codes import CONTRACT_CODES
from ton_core.contrib.contracts.versions import ContractVersion
from ton_core.contrib.contracts.wallet.tlb import WalletV4Data, WalletV5Data, WalletV5SubwalletID
from ton_core.contrib.types import PublicKey

from tests.ownership import tamper
from tests.ownership.test_external import okx_rows
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID, ownership_message
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership import ton
from verifier.ownership.verify import BALANCES_NOT_READ, Binding, verify_proof

STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
LEGACY = Binding(legacy_message=True)
KEY = SigningKey(bytes(range(7, 39)))
OTHER = SigningKey(bytes(range(8, 40)))


def _address(key: SigningKey, wallet: str, bounceable: bool = False) -> str:
    public = PublicKey(bytes(key.verify_key))
    if wallet == "v4R2":
        version, data = ContractVersion.WalletV4R2, WalletV4Data(public)
    else:
        version, data = ContractVersion.WalletV5R1, WalletV5Data(public, WalletV5SubwalletID())
    state = StateInit(code=to_cell(CONTRACT_CODES[version]), data=data.serialize())
    return Address((0, state.serialize().hash)).to_str(is_bounceable=bounceable)


def _okx(message: bytes) -> bytes:
    header = b"OKX Signed Message:\n"
    return bytes([len(header)]) + header + bytes([len(message)]) + message


def ton_proof(
    wallet: str = "v4R2", okx: bool = False, key: SigningKey = KEY, bounceable: bool = False
) -> OwnershipClaim:
    address = _address(key, wallet, bounceable)
    message = ownership_message("ton", "mainnet", address)
    signed = _okx(message.encode()) if okx else message.encode()
    return OwnershipClaim(
        chain="ton",
        address=address,
        message=message,
        signature="0x" + key.sign(signed).signature.hex(),
        public_key=bytes(key.verify_key).hex(),
    )


@pytest.mark.parametrize("wallet", ["v4R2", "v5R1"])
@pytest.mark.parametrize("okx", [False, True])
def test_ton_verifies(wallet: str, okx: bool) -> None:
    result = verify_proof(ton_proof(wallet, okx), STRICT)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ton.SCHEMES[okx]
    assert result.evidence["wallet"] == wallet
    assert result.evidence["balances"] == BALANCES_NOT_READ


@pytest.mark.parametrize("okx", [False, True])
def test_ton_every_signature_byte_flipped_fails(okx: bool) -> None:
    tamper.assert_every_signature_byte_fails(ton_proof(okx=okx), STRICT)


def test_ton_message_may_name_the_other_bounce_form() -> None:
    proof = ton_proof(bounceable=True)
    other_form = _address(KEY, "v4R2", bounceable=False)
    assert other_form != proof.address
    message = ownership_message("ton", "mainnet", other_form)
    signed = "0x" + KEY.sign(message.encode()).signature.hex()
    changed = proof.model_copy(update={"message": message, "signature": signed})
    assert verify_proof(changed, STRICT).status is Status.PASS


def test_ton_another_keys_address_fails() -> None:
    result = verify_proof(tamper.at_address(ton_proof(), _address(OTHER, "v4R2")), STRICT)
    assert result.status is Status.FAIL
    assert "not the key of this address" in result.reason


def test_ton_another_key_published_fails() -> None:
    proof = ton_proof().model_copy(update={"public_key": bytes(OTHER.verify_key).hex()})
    result = verify_proof(proof, STRICT)
    assert result.status is Status.FAIL
    assert "not the key of this address" in result.reason


def test_ton_signature_by_another_key_fails() -> None:
    proof = ton_proof()
    signed = "0x" + OTHER.sign(proof.message.encode()).signature.hex()
    result = verify_proof(proof.model_copy(update={"signature": signed}), STRICT)
    assert result.status is Status.FAIL
    assert "signature is not this key's" in result.reason


@pytest.mark.parametrize(
    ("update", "problem"),
    [
        ({"public_key": None}, "needs the wallet's key"),
        ({"public_key": "00" * 33}, "32 bytes"),
        ({"signature": "0x" + "00" * 63}, "not 64"),
    ],
)
def test_ton_malformed_fails_naming_it(update: dict[str, str | None], problem: str) -> None:
    result = verify_proof(ton_proof().model_copy(update=update), STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason


@pytest.mark.parametrize(
    ("address", "problem"),
    [("EQ" + "A" * 46, "not a TON address"), ("0:zz", "not a TON address")],
)
def test_ton_bad_address_fails_naming_it(address: str, problem: str) -> None:
    result = verify_proof(tamper.at_address(ton_proof(), address), STRICT)
    assert result.status is Status.FAIL
    assert problem in result.reason


def test_ton_testnet_address_fails() -> None:
    testnet = Address(_address(KEY, "v4R2")).to_str(is_test_only=True)
    result = verify_proof(tamper.at_address(ton_proof(), testnet), STRICT)
    assert result.status is Status.FAIL
    assert "testnet" in result.reason


# OKX's own TON vectors, from okx/proof-of-reserves @2962a895 common/crypto_test.go
# (MIT): a v3R2 wallet's key signing two messages as OKX Signed Messages.
OKX_VECTORS = [
    (
        "hello world",
        "0xaa406900fdf658e793850d7d47798fa501098db4a6697ac460c1d2800152f401"
        "74d2705f1ec87b1a0b34434647b0efed2b7b70569bc00e8bbc3561c372aacc0b",
    ),
    (
        "OKC_DTT_AUP2025",
        "0x48d46ee1557c4850dff0622cb3b960a667e72df10868c905df1c17bd1dc8ebc4"
        "2691bb8df2814c56933cdfc67a6ba7626ae5faf4ee6190c4a030a43179e0c502",
    ),
]


@pytest.mark.parametrize(("message", "signature"), OKX_VECTORS)
def test_okx_published_ton_vectors_verify(message: str, signature: str) -> None:
    proof = OwnershipClaim(
        chain="ton",
        address="EQA5rifVSCc8qQfpCXvq4zJGJPsA0EPCDoWdtg234INftsWj",
        message=message,
        signature=signature,
        public_key="3d2696e3d5cbc9047b338e6a56552db1d43ca6e063bc7aa667b18005984372d2",
    )
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == ton.SCHEMES[1]
    assert result.evidence["wallet"] == "v3R2"
    tamper.assert_every_signature_byte_fails(proof, LEGACY)


def test_okx_published_list_ton_row_verifies(shared) -> None:  # type: ignore[no-untyped-def]
    """The USDT-TON row of OKX's address list: a Highload v3 wallet, its key in
    the list's public key column."""
    row = next(r for r in okx_rows(shared) if r["Network"] == "TON")
    proof = OwnershipClaim(
        chain="ton",
        address=row["address"],
        message=row["message"],
        signature=row["signature1"],
        public_key=row["redeem script/ public key"],
    )
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["wallet"] == "highload v3 (id 4269)"
    assert result.evidence["warnings"]  # "I am an OKX address" binds nothing
    tamper.assert_every_signature_byte_fails(proof, LEGACY)
