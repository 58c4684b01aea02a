"""Vectors published by others, read in place from ../shared/external: BIP-322's
basic vectors (BIP authors), bitcoinjs-message's fixtures (BIP-137), OKX's
published address list (EIP-191 of the message's keccak)."""

import base64
import csv
import json
from pathlib import Path
from typing import Any

import pytest

from chains.bitcoin import addresses as btc_address
from tests.ownership import tamper
from tests.support import btcsign
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.btc import bip137, bip322
from verifier.ownership.btc import signature as btc_signature
from verifier.ownership.outcome import Rejected
from verifier.ownership.verify import Binding, verify_proof

LEGACY = Binding(legacy_message=True)


def _json(shared: Path, name: str) -> Any:
    return json.loads((shared / "external" / name).read_text())


@pytest.fixture(scope="module")
def bip322_vectors(shared: Path) -> Any:
    return _json(shared, "bip322/basic-test-vectors.json")


@pytest.fixture(scope="module")
def bitcoinjs(shared: Path) -> Any:
    return _json(shared, "bip137/bitcoinjs-message-fixtures.json")


def test_bip322_message_hash_and_virtual_transactions(bip322_vectors: Any) -> None:
    for v in bip322_vectors["tx_hashes"]:
        message = v["message"].encode()
        spend = bip322.to_spend(btc_address.parse(v["address"]).script_pubkey, message)
        assert bip322.message_hash(message).hex() == v["message_hash"]
        assert spend.GetTxid()[::-1].hex() == v["to_spend_tx_hash"]
        assert bip322.to_sign(spend, []).GetTxid()[::-1].hex() == v["to_sign_tx_hash"]


def _simple_cases(vectors: Any) -> list[tuple[str, str, str]]:
    return [
        (v["address"], v["message"], sig)
        for v in vectors["simple"]
        for sig in v["bip322_signatures"]
    ]


def test_bip322_simple_signatures_verify_with_and_without_prefix(bip322_vectors: Any) -> None:
    cases = _simple_cases(bip322_vectors)
    assert len(cases) == 6
    kinds = set()
    for address, message, sig in cases:
        for form in {sig, sig.removeprefix("smp")}:
            proof = OwnershipClaim(
                chain="bitcoin", address=address, message=message, signature=form
            )
            result = verify_proof(proof, LEGACY)
            assert result.status is Status.PASS, result.reason
            kinds.add(btc_address.parse(address).kind)
    assert kinds == {btc_address.Kind.P2WPKH, btc_address.Kind.P2WSH, btc_address.Kind.P2TR}


def test_bip322_3of3_multisig_with_its_published_witness_script(bip322_vectors: Any) -> None:
    v = next(v for v in bip322_vectors["simple"] if v["witness_script"])
    proof = OwnershipClaim(
        chain="bitcoin",
        address=v["address"],
        message=v["message"],
        signature=v["bip322_signatures"][0],
        script=v["witness_script"],
    )
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.PASS
    assert "p2wsh (3-of-3 multisig)" in result.reason
    assert result.evidence["witness_script"] == v["witness_script"]


def test_bip322_simple_signature_bytes_flipped_fail(bip322_vectors: Any) -> None:
    for address, message, sig in _simple_cases(bip322_vectors):
        for i, changed in tamper.signatures(sig):
            with pytest.raises(Rejected):
                btc_signature.verify(btc_address.parse(address), message, changed)
                pytest.fail(f"{address} byte {i} still verifies")


def test_bip322_error_vectors_fail(bip322_vectors: Any) -> None:
    for v in bip322_vectors["error"]:
        if not v["signature"]:  # the proof model refuses it before any check; so does this
            with pytest.raises(Rejected, match="empty"):
                btc_signature.verify(btc_address.parse(v["address"]), v["message"], "")
            continue
        proof = OwnershipClaim(
            chain="bitcoin", address=v["address"], message=v["message"], signature=v["signature"]
        )
        result = verify_proof(proof, LEGACY)
        assert result.status is Status.FAIL, v["description"]


def test_bitcoinjs_magic_hashes(bitcoinjs: Any) -> None:
    for v in bitcoinjs["valid"]["magicHash"]:
        if v["network"] == "bitcoin":
            assert bip137.message_hash(v["message"].encode()).hex() == v["magicHash"]


def _verify_cases(v: Any) -> list[tuple[str, str]]:
    cases = [(v["address"], v["signature"])]
    cases.append((v["compressed"]["address"], v["compressed"]["signature"]))
    cases += [(s["address"], s["signature"]) for s in v["segwit"].values()]
    return cases


def test_bitcoinjs_valid_signatures_verify_for_every_address_type(bitcoinjs: Any) -> None:
    seen = set()
    for v in bitcoinjs["valid"]["verify"]:
        if v["network"] != "bitcoin":
            continue  # Dogecoin is out of scope
        for address, sig in _verify_cases(v):
            verified = btc_signature.verify(btc_address.parse(address), v["message"], sig)
            assert verified.scheme == "BIP-137"
            seen.add((btc_address.parse(address).kind, base64.b64decode(sig)[0] // 4))
    assert {k for k, _ in seen} == {
        btc_address.Kind.P2PKH,
        btc_address.Kind.P2SH,
        btc_address.Kind.P2WPKH,
    }
    assert len({h for _, h in seen}) == 4  # headers from all four ranges


def test_bitcoinjs_signatures_with_a_byte_flipped_fail(bitcoinjs: Any) -> None:
    for v in bitcoinjs["valid"]["verify"]:
        if v["network"] != "bitcoin":
            continue
        for address, sig in _verify_cases(v):
            for i, changed in tamper.signatures(sig):
                with pytest.raises(Rejected):
                    btc_signature.verify(btc_address.parse(address), v["message"], changed)
                    pytest.fail(f"{address} byte {i} still verifies")


def test_bitcoinjs_invalid_cases_fail(bitcoinjs: Any) -> None:
    for v in bitcoinjs["invalid"]["verify"]:
        result = verify_proof(
            OwnershipClaim(
                chain="bitcoin",
                address=v["address"],
                message=v["message"],
                signature=v["signature"],
            ),
            LEGACY,
        )
        assert result.status is Status.FAIL, v["description"]
    for v in bitcoinjs["invalid"]["signature"]:
        sig = base64.b64encode(bytes.fromhex(v["hex"])).decode()
        with pytest.raises(Rejected):
            btc_signature.verify(btc_address.parse("1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs"), "", sig)


def test_our_signer_reproduces_bitcoinjs_signatures(bitcoinjs: Any) -> None:
    """The demo signer that makes the suite's vectors agrees with bitcoinjs-message."""
    v = bitcoinjs["valid"]["sign"][0]
    key = btcsign.PrivateKey.from_int(int(v["d"]))
    assert btcsign.sign_bip137(key, v["message"], 27) == v["signature"]
    assert btcsign.sign_bip137(key, v["message"], 31) == v["compressed"]["signature"]
    segwit = v["segwit"]
    assert btcsign.sign_bip137(key, v["message"], 35) == segwit["P2SH_P2WPKH"]["signature"]
    assert btcsign.sign_bip137(key, v["message"], 39) == segwit["P2WPKH"]["signature"]


# --- OKX ----------------------------------------------------------------------


def okx_rows(shared: Path) -> list[dict[str, str]]:
    """OKX's CSV: a summary table, a blank line, then the address list."""
    lines = (shared / "external" / "okx" / "okx_por_example.csv").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("coin,Network"))
    rows = list(csv.reader(lines[start:]))
    header = [h.strip() for h in rows[0]]
    return [dict(zip(header, (c.strip() for c in r), strict=False)) for r in rows[1:] if r]


def okx_eoa_proofs(shared: Path) -> list[OwnershipClaim]:
    """Each Ethereum signature with the address that made it (a multisig row names
    its signers in eoa1/eoa2)."""
    proofs = []
    for row in okx_rows(shared):
        if row["Network"] != "ETH":
            continue
        signers = [row.get("eoa1"), row.get("eoa2")] if row.get("eoa1") else [row["address"]]
        sigs = [row["signature1"], row["signature2"]]
        for signer, sig in zip(signers, sigs, strict=False):
            if signer:
                proofs.append(
                    OwnershipClaim(
                        chain="ethereum", address=signer, message=row["message"], signature=sig
                    )
                )
    return proofs


def test_okx_ethereum_signatures_verify_as_keccak_variant(shared: Path) -> None:
    proofs = okx_eoa_proofs(shared)
    assert len(proofs) == 4
    for proof in proofs:
        result = verify_proof(proof, LEGACY)
        assert result.status is Status.PASS, result.reason
        assert result.evidence["scheme"] == "EIP-191 personal_sign of keccak256(message)"
        assert result.evidence["warnings"]  # "I am an OKX address" is replayable


def test_okx_fixed_phrase_is_refused_without_legacy_mode(shared: Path) -> None:
    for proof in okx_eoa_proofs(shared):
        result = verify_proof(proof, Binding("okx", "2024-10-08"))
        assert result.status is Status.FAIL
        # The reason names no flag (por verify has none): it says what would accept it.
        assert "legacy messages are allowed" in result.reason


def test_okx_tampered_rows_fail(shared: Path) -> None:
    for proof in okx_eoa_proofs(shared):
        for field, changes in (
            ("signature", tamper.signatures(proof.signature)),
            ("message", tamper.messages(proof.message)),
            ("address", tamper.address_texts(proof.address)),
        ):
            for i, value in changes:
                result = verify_proof(proof.model_copy(update={field: value}), LEGACY)
                assert result.status is Status.FAIL, f"{field} byte {i}: {result.reason}"


def test_okx_multisig_address_without_a_node_fails_and_says_to_ask_it(shared: Path) -> None:
    row = next(r for r in okx_rows(shared) if r.get("eoa1"))
    proof = OwnershipClaim(
        chain="ethereum",
        address=row["address"],
        message=row["message"],
        signature=row["signature1"],
    )
    result = verify_proof(proof, LEGACY)
    assert result.status is Status.FAIL
    assert "ERC-1271" in result.reason
