"""Verify ownership proofs row by row: the message must bind the proof to this
exchange, snapshot, chain and address, and the signature must be the address's.

Every row ends as a CheckResult: pass (verified), fail with the reason, or
inconclusive when the check could not run (a contract wallet's node unreachable).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from chains.bitcoin import addresses as btc_address
from chains.names import ChainNameError, parse_chain
from verifier.i18n import N_
from verifier.models.check import CheckResult, Status
from verifier.models.ownership import MAINNET_ONLY, OwnershipClaim
from verifier.ownership import ed25519, ton, tron
from verifier.ownership import message as ownership_message
from verifier.ownership.btc import forks
from verifier.ownership.btc import signature as btc_signature
from verifier.ownership.eth import address as eth_address
from verifier.ownership.eth import eip191
from verifier.ownership.outcome import Rejected, Undecided, Verified

# Each mainnet-only chain's check of (address, message, signature): the address
# alone names the key, so none needs the script or public_key columns.
_MAINNET_ONLY_CHECKS: dict[str, Callable[[str, bytes, str], Verified]] = {
    "tron": tron.verify,
    "solana": ed25519.verify_solana,
    **{chain: partial(forks.verify, coin) for chain, coin in forks.COINS.items()},
}

BALANCES_NOT_READ = "this verifier does not read balances on this chain"
NOT_PROVEN = "not proven: the row has no signature"
LEGACY_WARNING = "legacy message: not bound to exchange, chain or snapshot, so it can be replayed"


@dataclass(frozen=True)
class Binding:
    """What every message must name; None accepts what the message says."""

    exchange: str | None = None
    snapshot_id: str | None = None
    legacy_message: bool = False


class ContractWallets(Protocol):
    """Asks a contract wallet (ERC-1271) whether it approves a signature."""

    def verify(
        self, address: str, message: bytes, signature: bytes, chain_id: int | None
    ) -> Verified: ...


def verify_all(
    proofs: Iterable[OwnershipClaim],
    binding: Binding,
    contracts: ContractWallets | None = None,
) -> list[CheckResult]:
    """Results in the order of `proofs`.

    Proofs are checked grouped by kind: three copies of libsecp256k1 serve these
    checks (coincurve's, the bip322 package's, the kernel's), each with large
    precomputed tables, and running one kind after another keeps one set in the
    CPU cache (an interleaved list measured ~15% slower). An exchange also signs
    its whole list one way, so the Ethereum hashing that matched the last row is
    tried first: one key recovery per row instead of two.
    """
    rows = list(proofs)
    results: list[CheckResult | None] = [None] * len(rows)
    keccak_first = False
    for i in sorted(range(len(rows)), key=lambda i: _kind(rows[i])):
        result = verify_proof(rows[i], binding, contracts, keccak_first=keccak_first)
        if result.passed and rows[i].chain == "ethereum":
            keccak_first = result.evidence["scheme"] == eip191.SCHEMES[1]
        results[i] = result
    return [r for r in results if r is not None]


def _kind(proof: OwnershipClaim) -> tuple[str, str, str, int]:
    """A cheap guess of the checking path, to group proofs by (never to decide anything)."""
    sig = proof.signature
    address_type = proof.address[:4].lower() if proof.chain == "bitcoin" else ""
    return proof.chain, address_type, sig[:3], len(sig)


def verify_proof(
    proof: OwnershipClaim,
    binding: Binding,
    contracts: ContractWallets | None = None,
    *,
    keccak_first: bool = False,
) -> CheckResult:
    check_id = f"ownership {proof.chain} {proof.address}"
    if not proof.signature:
        return CheckResult(id=check_id, status=Status.FAIL, reason=NOT_PROVEN)
    try:
        if proof.chain == "bitcoin":
            addr = btc_address.parse(proof.address)
            warnings, _ = _check_message(proof, binding, addr.networks)
            verified = btc_signature.verify(
                addr,
                proof.message,
                proof.signature,
                proof.script_bytes(),
                proof.public_key_bytes(),
            )
        elif proof.chain == "aptos":
            # The binding is checked on the message inside the wallet's full message.
            inner = ed25519.aptos_inner_message(proof.message, proof.address)
            warnings, _ = _check_message(proof.model_copy(update={"message": inner}), binding, None)
            verified = ed25519.verify_aptos(
                proof.address, proof.message.encode(), proof.signature, proof.public_key_bytes()
            )
        elif proof.chain == "ton":
            warnings, _ = _check_message(proof, binding, None)
            verified = ton.verify(
                proof.address, proof.message.encode(), proof.signature, proof.public_key_bytes()
            )
        elif proof.chain in _MAINNET_ONLY_CHECKS:
            warnings, _ = _check_message(proof, binding, None)
            check = _MAINNET_ONLY_CHECKS[proof.chain]
            verified = check(proof.address, proof.message.encode(), proof.signature)
        else:
            warnings, chain_id = _check_message(proof, binding, None)
            verified = _verify_ethereum(
                proof, contracts, chain_id, keccak_first, binding.legacy_message
            )
    except btc_address.AddressError as e:
        return CheckResult(id=check_id, status=Status.FAIL, reason=f"address: {e}")
    except Rejected as e:
        return CheckResult(id=check_id, status=Status.FAIL, reason=e.reason)
    except Undecided as e:
        return CheckResult(id=check_id, status=Status.INCONCLUSIVE, reason=e.reason)
    reason = f"{verified.scheme}: {verified.detail}" if verified.detail else verified.scheme
    if "weaker" in verified.evidence:
        # A weaker proof says so in its warnings too, where readers of every kind look.
        warnings = [*warnings, verified.evidence["weaker"]]
    if warnings:
        reason += f" (warning: {'; '.join(warnings)})"
    evidence = {"scheme": verified.scheme, **verified.evidence, "warnings": warnings}
    if proof.chain in MAINNET_ONLY:
        # Proven control is not proven reserves: say so beside the result.
        reason += f"; {BALANCES_NOT_READ}"
        evidence["balances"] = BALANCES_NOT_READ
    return CheckResult(id=check_id, status=Status.PASS, reason=reason, evidence=evidence)


def _check_message(
    proof: OwnershipClaim, binding: Binding, btc_networks: frozenset[str] | None
) -> tuple[list[str], int | None]:
    """The warnings to report and the Ethereum chain id the message names, or
    Rejected when the message binds the proof elsewhere."""
    parsed = ownership_message.parse(proof.message)
    if parsed is None:
        if binding.legacy_message:
            return [LEGACY_WARNING], None
        raise Rejected(
            N_(
                "message is not the por-ownership:v1 ownership message "
                "(a fixed phrase can be replayed; it is accepted, with a warning, only where legacy messages are allowed)"
            )
        )
    chain_id = _chain_id(proof, parsed)
    if not _same_address(parsed.address, proof.address, proof.chain):
        raise Rejected(
            N_("message names address {address}, the row is {row}").format(
                address=parsed.address, row=proof.address
            )
        )
    if btc_networks is not None and parsed.network not in btc_networks:
        raise Rejected(
            N_("message says network {network}, the address is for {names}").format(
                network=repr(parsed.network), names=" or ".join(sorted(btc_networks))
            )
        )
    if binding.exchange is not None and parsed.exchange != binding.exchange:
        raise Rejected(
            N_("message names exchange {named}, not {expected}").format(
                named=repr(parsed.exchange), expected=repr(binding.exchange)
            )
        )
    if binding.snapshot_id is not None and parsed.snapshot != binding.snapshot_id:
        raise Rejected(
            N_("message names snapshot {named}, not {expected}").format(
                named=repr(parsed.snapshot), expected=repr(binding.snapshot_id)
            )
        )
    return [], chain_id


def _chain_id(proof: OwnershipClaim, parsed: ownership_message.OwnershipMessage) -> int | None:
    """The EVM chain id the message names (None for other chains), or Rejected when
    the message's chain is not the row's."""
    if proof.chain in MAINNET_ONLY:
        # chains.names has no family for these: their balances are not read.
        if parsed.chain != proof.chain or parsed.network != "mainnet":
            raise Rejected(
                N_("message is for chain {chain}:{network}, the row is {row}").format(
                    chain=parsed.chain, network=parsed.network, row=proof.chain
                )
            )
        return None
    try:
        # bitcoin:<network>, ethereum:<chain id> or evm:<registered name>
        named = parse_chain(f"{parsed.chain}:{parsed.network}")
    except ChainNameError as e:
        if parsed.chain not in ("bitcoin", "ethereum", "evm"):
            raise Rejected(
                N_("message is for chain {chain}, the row is {row}").format(
                    chain=repr(parsed.chain), row=proof.chain
                )
            ) from None
        raise Rejected(N_("message's chain: {e}").format(e=e)) from None
    if named.family != ("bitcoin" if proof.chain == "bitcoin" else "evm"):
        raise Rejected(
            N_("message is for chain {chain}, the row is {row}").format(
                chain=repr(parsed.chain), row=proof.chain
            )
        )
    return None if named.family == "bitcoin" else named.chain_id


def _same_address(in_message: str, in_row: str, chain: str) -> bool:
    """Hex and bech32 addresses are case-insensitive; base58 ones are not; a TON
    address has a bounceable and a non-bounceable text."""
    if chain == "ton":
        return ton.same_address(in_message, in_row)
    if (
        chain in ("ethereum", "aptos")
        or in_row[:2].lower() in ("bc", "tb")
        or in_row[:4].lower() == "ltc1"
    ):
        return in_message.lower() == in_row.lower()
    return in_message == in_row


def _verify_ethereum(
    proof: OwnershipClaim,
    contracts: ContractWallets | None,
    chain_id: int | None,
    keccak_first: bool,
    legacy_message: bool,
) -> Verified:
    try:
        addr = eth_address.parse(proof.address)
    except eth_address.EthAddressError as e:
        raise Rejected(N_("address: {e}").format(e=e)) from None
    sig = eip191.parse_signature(proof.signature)
    msg = proof.message.encode()
    public_key = proof.public_key_bytes()
    if public_key is not None:
        eip191.check_public_key(addr, public_key)
    try:
        return eip191.verify(addr, msg, sig, keccak_first, raw_keccak=legacy_message)
    except Rejected as eoa:
        if contracts is None:
            raise Rejected(
                N_(
                    "{reason}; if the address is a contract wallet, only an Ethereum node asked at the snapshot block can tell (ERC-1271)"
                ).format(reason=eoa.reason)
            ) from None
    return contracts.verify(proof.address, msg, sig, chain_id)
