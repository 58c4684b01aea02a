"""Ownership of the rows of a published address list (OKX's, HTX's), one result a row.

A row's signatures are checked by the verifiers every proof file uses
(`verify_all`); what is particular to the lists is which key signed and how the
row's results combine:

- every signature a row carries must verify (OKX's Bitcoin multisig rows carry two);
- an Ethereum row that names owner keys (OKX's eoa1/eoa2: multisig contract wallets
  and staking validators) was signed by those keys, one signature each. Their
  signatures are checked, but that these keys control the row's address is the
  exchange's word: the row is inconclusive at best, never verified. OKX's verifier
  reads the owner columns for EVM rows and, since its "owner mode" for rotated
  accounts, for Aptos rows, where eoa1 is the account's current authentication key
  (sha3-256 of the signing key and 0x00) while the address stays the account's
  first one: the key is checked against eoa1, and that eoa1 is the account's key
  now is on chain, which no node here reads: inconclusive at best too;
- the public key of an ed25519 row (TON, Aptos) is OKX's "redeem script/ public
  key" column, as OKX's verifier reads it;
- a network whose signatures no verifier here checks (XRP), or a network name
  this verifier does not know, is inconclusive and says which;
- a row without a signature is not proven (a failure), in its place.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from verifier.i18n import N_
from verifier.models.check import CheckResult, Status
from verifier.models.ownership import OwnershipClaim
from verifier.models.reserve_lists import ReserveRow, network_of
from verifier.ownership.verify import NOT_PROVEN, Binding, ContractWallets, verify_all

UNKNOWN_NETWORK = N_("network {network} is not one this verifier knows: signatures not checked")
UNCHECKED_CHAIN = N_("signatures on {chain} are not checked by this verifier")
OWNERS_ONLY = N_(
    "signed by the owner key(s) the row names ({owners}): {scheme}; that they control "
    "{address} is the exchange's statement, not checked here"
)


# The chains whose rows may be signed by owner keys the row names (see above).
_OWNED_BY_KEYS = ("ethereum", "aptos")


@dataclass(frozen=True)
class _Plan:
    claims: list[tuple[str, OwnershipClaim]]  # each with the column it came from
    owners: tuple[str, ...]  # the owner keys that signed instead of the address


def row_id(row: ReserveRow) -> str:
    return f"line {row.line}: {row.coin} {row.address}"


def verify_rows(
    rows: Sequence[ReserveRow], binding: Binding, contracts: ContractWallets | None = None
) -> list[CheckResult]:
    """One result per row, in the rows' order."""
    planned = [_claims(row) for row in rows]
    claims = [c for p in planned if isinstance(p, _Plan) for _, c in p.claims]
    checked = iter(verify_all(claims, binding, contracts))
    results = []
    for row, plan in zip(rows, planned, strict=True):
        if isinstance(plan, CheckResult):
            results.append(plan)
        else:
            done = [(label, next(checked)) for label, _ in plan.claims]
            results.append(_combined(row, plan.owners, done))
    return results


def _claims(row: ReserveRow) -> _Plan | CheckResult:
    """The claims to check, or the row's result when there is nothing to check."""
    rid = row_id(row)
    if not row.signatures:
        return CheckResult(id=rid, status=Status.FAIL, reason=NOT_PROVEN)
    network = network_of(row)
    if network is None:
        reason = UNKNOWN_NETWORK.format(network=repr(row.network))
        return CheckResult(id=rid, status=Status.INCONCLUSIVE, reason=reason)
    if network.signer is None:
        reason = UNCHECKED_CHAIN.format(chain=network.chain)
        return CheckResult(id=rid, status=Status.INCONCLUSIVE, reason=reason)
    owners = row.signers if network.signer in _OWNED_BY_KEYS else ()
    signers = owners or (row.address,) * len(row.signatures)
    if len(row.signatures) < len(signers):
        return CheckResult(
            id=rid,
            status=Status.FAIL,
            reason=f"not proven: {len(signers)} owner keys, {len(row.signatures)} signature(s)",
        )
    extra = "script" if network.signer == "bitcoin" else "public_key"
    try:
        claims = [
            (
                f"signature{i}",
                OwnershipClaim(
                    chain=network.signer,
                    address=signer,
                    message=row.message,
                    signature=signature,
                    **{extra: row.script_or_key or None},
                ),
            )
            for i, (signer, signature) in enumerate(
                zip(signers, row.signatures, strict=False), start=1
            )
        ]
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        problem = str(first["msg"]).removeprefix("Value error, ")
        return CheckResult(id=rid, status=Status.FAIL, reason=f"{first['loc'][0]}: {problem}")
    return _Plan(claims, owners)


def _combined(
    row: ReserveRow, owners: tuple[str, ...], checked: list[tuple[str, CheckResult]]
) -> CheckResult:
    rid = row_id(row)
    evidence = {label: r.model_dump(mode="json") for label, r in checked}
    for status in (Status.FAIL, Status.INCONCLUSIVE):
        for label, r in checked:
            if r.status is status:
                reason = r.reason if len(checked) == 1 else f"{label}: {r.reason}"
                return CheckResult(id=rid, status=status, reason=reason, evidence=evidence)
    first = checked[0][1].reason
    if owners:
        reason = OWNERS_ONLY.format(owners=", ".join(owners), scheme=first, address=row.address)
        return CheckResult(id=rid, status=Status.INCONCLUSIVE, reason=reason, evidence=evidence)
    reason = first if len(checked) == 1 else f"{len(checked)} signatures: {first}"
    return CheckResult(id=rid, status=Status.PASS, reason=reason, evidence=evidence)
