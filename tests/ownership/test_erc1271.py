"""Contract wallets (ERC-1271) asked on a real anvil at a pinned snapshot: the
contract says yes (with its code hash) or no; an address without code fails; a
node that cannot be reached leaves the row inconclusive."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chains.jsonrpc import JsonRpcClient, RetryPolicy
from chains.snapshot import Snapshot
from tests.ownership import tamper
from tests.ownership.vectors import (
    EXCHANGE,
    KEYS,
    SNAPSHOT_ID,
    eth_address,
    ownership_message,
    sign_eip191,
)
from tests.support.anvil import CHAIN_ID, Anvil, free_port
from tests.support.eth import Chain
from verifier.cli import app
from verifier.models.check import CheckResult, Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.eth import eip191
from verifier.ownership.eth.erc1271 import ContractWallets
from verifier.ownership.hashes import keccak256
from verifier.ownership.verify import Binding, verify_proof

pytestmark = pytest.mark.nodes
STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
LAX = Binding(legacy_message=True)
OWNER, STRANGER = KEYS[0], KEYS[1]


@dataclass(frozen=True)
class Wallets:
    url: str
    wallet: str  # DemoWallet1271 owned by the demo key OWNER
    late_wallet: str  # deployed after the snapshot
    code_hash: str
    snapshot: Snapshot


@pytest.fixture(scope="module")
def wallets(anvil: Anvil) -> Wallets:
    chain = Chain(anvil.url)
    owner_word = bytes(12) + bytes.fromhex(eth_address(OWNER)[2:])
    wallet = chain.deploy("DemoWallet1271", owner_word)
    chain.mine(1)
    snapshot = chain.snapshot()
    late = chain.deploy("DemoWallet1271", owner_word)
    code = chain.rpc.call("eth_getCode", [wallet, "latest"])
    return Wallets(
        anvil.url, wallet, late, "0x" + keccak256(bytes.fromhex(code[2:])).hex(), snapshot
    )


@pytest.fixture
def contracts(wallets: Wallets) -> Iterator[ContractWallets]:
    with JsonRpcClient(wallets.url) as client:
        yield ContractWallets(client, wallets.snapshot)


def proof_for(address: str, key: object = OWNER, keccak_variant: bool = False) -> OwnershipClaim:
    message = ownership_message("ethereum", str(CHAIN_ID), address)
    digests = list(eip191.digests(message.encode()))
    digest = digests[1 if keccak_variant else 0][1]
    return OwnershipClaim(
        chain="ethereum", address=address, message=message, signature=sign_eip191(key, digest)
    )


def check(
    proof: OwnershipClaim, contracts: ContractWallets, binding: Binding = STRICT
) -> CheckResult:
    return verify_proof(proof, binding, contracts)


@pytest.mark.parametrize("keccak_variant", [False, True])
def test_contract_says_yes_with_its_code_hash(
    wallets: Wallets, contracts: ContractWallets, keccak_variant: bool
) -> None:
    result = check(proof_for(wallets.wallet, keccak_variant=keccak_variant), contracts)
    assert result.status is Status.PASS, result.reason
    assert result.evidence["scheme"] == "ERC-1271"
    assert "contract says yes" in result.reason
    assert result.evidence["code_hash"] == wallets.code_hash
    assert result.evidence["block_hash"] == wallets.snapshot.block_hash


def test_contract_says_no_to_another_signer(wallets: Wallets, contracts: ContractWallets) -> None:
    result = check(proof_for(wallets.wallet, key=STRANGER), contracts)
    assert result.status is Status.FAIL
    assert result.reason.startswith("contract says no")
    assert wallets.code_hash in result.reason


def test_address_without_code_fails(contracts: ContractWallets) -> None:
    nobody = "0x" + "a1" * 20
    result = check(proof_for(nobody), contracts)
    assert result.status is Status.FAIL
    assert "no code" in result.reason


def test_wallet_deployed_after_the_snapshot_has_no_code_there(
    wallets: Wallets, contracts: ContractWallets
) -> None:
    result = check(proof_for(wallets.late_wallet), contracts)
    assert result.status is Status.FAIL
    assert "no code at the snapshot block" in result.reason


def test_unreachable_node_is_inconclusive(wallets: Wallets) -> None:
    quick = RetryPolicy(attempts=1, backoff=0.01)
    with JsonRpcClient(f"http://127.0.0.1:{free_port()}", retry=quick) as client:
        result = check(proof_for(wallets.wallet), ContractWallets(client, wallets.snapshot))
    assert result.status is Status.INCONCLUSIVE
    assert "could not ask the contract" in result.reason


def test_proof_for_another_chain_fails(wallets: Wallets, contracts: ContractWallets) -> None:
    proof = proof_for(wallets.wallet)
    other_chain = proof.message.replace(f"ethereum:{CHAIN_ID}", "ethereum:1")
    result = check(proof.model_copy(update={"message": other_chain}), contracts)
    assert result.status is Status.FAIL
    assert "chain id 1," in result.reason


def test_every_one_byte_change_fails(wallets: Wallets, contracts: ContractWallets) -> None:
    proof = proof_for(wallets.wallet)
    for field, changes in (
        ("signature", tamper.signatures(proof.signature)),
        ("message", tamper.messages(proof.message)),
        ("address", tamper.address_texts(proof.address)),
    ):
        for i, value in changes:
            result = check(proof.model_copy(update={field: value}), contracts, LAX)
            assert result.status is Status.FAIL, f"{field} byte {i}: {result.reason}"


def test_cli_asks_the_named_node(wallets: Wallets, tmp_path: Path) -> None:
    path = tmp_path / "wallets.json"
    rows = [proof_for(wallets.wallet), proof_for(wallets.wallet, key=STRANGER)]
    path.write_text("[" + ",".join(p.model_dump_json(exclude_none=True) for p in rows) + "]")
    args = ["ownership", "verify", str(path), "--eth-rpc", wallets.url]
    result = CliRunner().invoke(app, [*args, "--snapshot", str(wallets.snapshot)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("verified") and "contract says yes" in lines[0]
    assert lines[1].startswith("failed") and "contract says no" in lines[1]
