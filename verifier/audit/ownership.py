"""Each wallet's ownership proof, bound to this exchange, snapshot and chain.

A contract wallet (ERC-1271) is asked at the snapshot block through the Ethereum
endpoint the user named, or through the evidence bundle when replaying.
"""

from collections.abc import Sequence
from typing import Protocol

from chains.evidence import NotInEvidence
from chains.names import same_chain
from chains.snapshot import Snapshot
from verifier.audit.balances import Sources
from verifier.i18n import N_
from verifier.models.attestation import Attestation, ChainPoint
from verifier.models.check import CheckResult, Status
from verifier.models.ownership import OwnershipClaim, OwnershipProof
from verifier.ownership import message as ownership_message
from verifier.ownership.eth.erc1271 import ContractWallets
from verifier.ownership.outcome import Undecided, Verified
from verifier.ownership.verify import Binding, verify_proof
from verifier.reconcile.observations import OwnershipStatus, WalletKey

METHOD = N_(
    "The wallet's signature over the por-ownership:v1 message naming this exchange, "
    "snapshot, chain and address: BIP-137 or BIP-322 (checked by libbitcoinkernel) for "
    "Bitcoin, EIP-191 for Ethereum, or the contract's own answer (ERC-1271) at the "
    "snapshot block for contract wallets."
)

STATUS = {
    Status.PASS: OwnershipStatus.VERIFIED,
    Status.FAIL: OwnershipStatus.FAILED,
    Status.INCONCLUSIVE: OwnershipStatus.INCONCLUSIVE,
}


class _NoNode:
    """Stands in for a node that was not named (or is not in the bundle): a signature
    that no key recovers might still be a contract wallet's, so the row is undecided,
    never failed for want of asking."""

    def __init__(self, chain: str) -> None:
        self.chain = chain

    def verify(
        self, address: str, message: bytes, signature: bytes, chain_id: int | None
    ) -> Verified:
        raise Undecided(
            f"no {self.chain} node to ask whether {address} is a contract wallet (ERC-1271)"
        )


class Proven(Protocol):
    """What signs for an address: an exchange's wallet, a stablecoin issuer's treasury."""

    @property
    def chain(self) -> str: ...
    @property
    def address(self) -> str | None: ...
    @property
    def locator(self) -> str: ...
    @property
    def ownership_proof(self) -> OwnershipProof: ...


def verify_ownership(att: Attestation, sources: Sources) -> dict[WalletKey, CheckResult]:
    binding = Binding(exchange=att.exchange.id, snapshot_id=att.snapshot.id)
    contracts = contract_wallets(att.snapshot.chains, sources)
    results: dict[WalletKey, CheckResult] = {}
    for w in att.wallets:
        key = (w.chain, w.locator)
        if key in results:
            continue
        results[key] = verify_one(w, binding, contracts, w.chain)
    return results


def verify_one(
    w: Proven, binding: Binding, contracts: dict[str, ContractWallets], chain: str
) -> CheckResult:
    """One address's proof, asking `contracts[chain]` when it may be a contract wallet."""
    return _one(w, binding, contracts.get(chain) or _NoNode(chain))


def _one(w: Proven, binding: Binding, contracts: ContractWallets | _NoNode) -> CheckResult:
    check_id = f"ownership.{w.chain}.{w.locator}"
    family = w.chain.partition(":")[0]
    if w.address is None:
        return CheckResult(
            id=check_id,
            status=Status.INCONCLUSIVE,
            reason="a wallet given only by its script has no address to sign for",
        )
    parsed = ownership_message.parse(w.ownership_proof.message)
    if parsed is not None and not same_chain(f"{parsed.chain}:{parsed.network}", w.chain):
        return CheckResult(
            id=check_id,
            status=Status.FAIL,
            reason=f"message is for chain {parsed.chain}:{parsed.network}, the wallet is on {w.chain}",
        )
    proof = OwnershipClaim.of(
        "bitcoin" if family == "bitcoin" else "ethereum", w.address, w.ownership_proof
    )
    result = verify_proof(proof, binding, contracts)
    return result.model_copy(update={"id": check_id})


def contract_wallets(points: Sequence[ChainPoint], sources: Sources) -> dict[str, ContractWallets]:
    """One ERC-1271 asker per EVM chain of the snapshot, through that chain's endpoint
    where one was named (or the bundle)."""
    out: dict[str, ContractWallets] = {}
    for point in points:
        if point.chain.startswith("bitcoin:"):
            continue
        url = sources.evm_endpoint(point.chain)
        if url is None and sources.bundle is None:
            continue
        try:
            client = sources.client(point.chain, url, f"{point.chain}:erc1271")
        except NotInEvidence:
            continue  # no contract wallet was asked when the bundle was recorded
        out[point.chain] = ContractWallets(client, Snapshot(point.height, "0x" + point.block_hash))
    return out
