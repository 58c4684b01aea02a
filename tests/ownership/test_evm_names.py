"""Ownership messages naming an EVM chain by registry name (`chain: evm:base`) bind
the proof to that chain's id exactly as `chain: ethereum:8453` does; the old spelling's
messages verify unchanged."""

import pytest

from tests.ownership.vectors import EXCHANGE, KEYS, SNAPSHOT_ID, eth_address, sign_eip191
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.eth import eip191
from verifier.ownership.message import OwnershipMessage
from verifier.ownership.outcome import Verified
from verifier.ownership.verify import Binding, verify_proof

STRICT = Binding(EXCHANGE, SNAPSHOT_ID)
KEY = KEYS[0]
ADDRESS = eth_address(KEY)


def claim(chain: str, network: str, *, signer_is_key: bool = True) -> OwnershipClaim:
    text = OwnershipMessage(EXCHANGE, SNAPSHOT_ID, chain, network, ADDRESS).text()
    digest = eip191.personal_hash(text.encode())
    signature = sign_eip191(KEY if signer_is_key else KEYS[1], digest)
    return OwnershipClaim(chain="ethereum", address=ADDRESS, message=text, signature=signature)


@pytest.mark.parametrize(("chain", "network"), [("evm", "base"), ("ethereum", "8453")])
def test_both_spellings_verify(chain: str, network: str) -> None:
    proof = claim(chain, network)
    assert f"chain: {chain}:{network}\n" in proof.message
    result = verify_proof(proof, STRICT)
    assert result.status is Status.PASS, result.reason


class _Asked:
    """A contract wallet stand-in that records the chain id it was asked for."""

    def __init__(self) -> None:
        self.chain_ids: list[int | None] = []

    def verify(
        self, address: str, message: bytes, signature: bytes, chain_id: int | None
    ) -> Verified:
        self.chain_ids.append(chain_id)
        return Verified("ERC-1271", "contract says yes")


def test_a_contract_wallet_is_asked_for_the_named_chain_s_id() -> None:
    asked = _Asked()
    # signed by another key: no key recovers the address, so the contract is asked
    result = verify_proof(claim("evm", "base", signer_is_key=False), STRICT, asked)
    assert result.status is Status.PASS and asked.chain_ids == [8453]


@pytest.mark.parametrize(
    ("chain", "network", "says"),
    [
        ("evm", "moon", "message's chain: 'moon' is not a registered EVM chain"),
        ("ethereum", "base", "message's chain: 'base' is neither a chain id"),
        ("solana", "mainnet", "message is for chain 'solana', the row is ethereum"),
        ("bitcoin", "mainnet", "message is for chain 'bitcoin', the row is ethereum"),
    ],
)
def test_a_message_naming_no_evm_chain_fails(chain: str, network: str, says: str) -> None:
    result = verify_proof(claim(chain, network), STRICT)
    assert result.status is Status.FAIL and result.reason.startswith(says), result.reason
