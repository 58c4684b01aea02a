"""`por verify` of a stablecoin issuer's attestation: each chain's supply read at its
pinned block, each treasury's ownership proof, then the reserves under the policy.

A chain that could not be read leaves the outstanding supply unknown, so coverage is
inconclusive, never a pass.
"""

from chains.ethereum.supply import Supply, read_supply
from chains.evidence import NotInEvidence
from chains.names import parse_chain
from chains.snapshot import Failed, Snapshot
from verifier.audit.balances import Sources
from verifier.audit.ownership import METHOD as OWNERSHIP_METHOD
from verifier.audit.ownership import contract_wallets, verify_one
from verifier.i18n import N_
from verifier.models.check import CheckResult, Status
from verifier.models.stablecoin import Deployment, StablecoinAttestation
from verifier.ownership.verify import Binding
from verifier.reconcile.checks import Check, Given
from verifier.reconcile.policy import Policy
from verifier.reconcile.stablecoin import (
    ChainSupply,
    StablecoinReconciliation,
    reconcile_stablecoin,
)

SUPPLY_METHOD = N_(
    "ERC-20 totalSupply(), decimals(), symbol() and balanceOf(each treasury and burn "
    "address) by "
    "eth_call pinned to the snapshot block by hash (EIP-1898); the block hash, height, "
    "chain id and confirmations are checked before and after."
)


def verify_stablecoin(
    att: StablecoinAttestation, sources: Sources, policy: Policy
) -> StablecoinReconciliation:
    binding = Binding(exchange=att.issuer.id, snapshot_id=att.snapshot.id)
    contracts = contract_wallets(att.snapshot.chains, sources)
    ownership = [verify_one(t, binding, contracts, t.chain) for t in att.treasuries]
    proven = {
        t.chain: frozenset(
            t2.address.lower()
            for t2, r in zip(att.treasuries, ownership, strict=True)
            if r.passed and t2.chain == t.chain
        )
        for t in att.treasuries
    }
    chains: list[ChainSupply] = []
    before: list[Check] = []
    for d in att.token.deployments:
        read, result = _read(att, d, sources)
        chains.append(ChainSupply(d, read, proven.get(d.chain, frozenset())))
        before.append(Given(result, SUPPLY_METHOD))
    before += [Given(r, OWNERSHIP_METHOD) for r in ownership]
    return reconcile_stablecoin(att, policy, chains, before)


def _read(
    att: StablecoinAttestation, d: Deployment, sources: Sources
) -> tuple[Supply | None, CheckResult]:
    check_id = f"supply.{d.chain}"
    point = att.snapshot.point(d.chain)
    assert point is not None  # the attestation was checked: every deployment is pinned
    url = sources.evm_endpoint(d.chain)
    if url is None and sources.bundle is None:
        return None, _inconclusive(check_id, f"no node was named for {d.chain}")
    chain = parse_chain(d.chain)
    try:
        client = sources.client(d.chain, url)
    except NotInEvidence as e:
        return None, _inconclusive(check_id, str(e))
    with client:
        outcome = read_supply(
            client,
            Snapshot(point.height, "0x" + point.block_hash),
            d.contract,
            att.held_out(d.chain),
            chain_id=chain.chain_id,
            confirmations=chain.confirmations
            if sources.eth_confirmations is None
            else sources.eth_confirmations,
        )
    if not isinstance(outcome, Supply):
        status = Status.FAIL if isinstance(outcome, Failed) else Status.INCONCLUSIVE
        reason = f"{outcome.reason}: {outcome.message}"
        return None, CheckResult(id=check_id, status=status, reason=reason)
    for call, read, declared in (
        ("decimals()", str(outcome.decimals), str(d.decimals)),
        ("symbol()", outcome.symbol, att.token.symbol),
    ):
        if read != declared:
            reason = N_("{call} is {read} at the snapshot, the attestation says {declared}")
            return None, CheckResult(
                id=check_id,
                status=Status.FAIL,
                reason=reason.format(call=call, read=read, declared=declared),
                expected=declared,
                actual=read,
            )
    return outcome, CheckResult(
        id=check_id,
        status=Status.PASS,
        reason=N_("totalSupply {supply} at {chain} #{height}").format(
            supply=outcome.total_supply, chain=d.chain, height=point.height
        ),
        actual=str(outcome.total_supply),
        evidence={
            "block_hash": outcome.snapshot.block_hash,
            "contract": d.contract,
            "balances": {a: str(b) for a, b in outcome.held},
        },
    )


def _inconclusive(check_id: str, reason: str) -> CheckResult:
    return CheckResult(id=check_id, status=Status.INCONCLUSIVE, reason=reason)
