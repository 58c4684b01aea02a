"""`por verify` end to end: attestation in, report out.

Order: the liability commitment, the balances at the snapshot, the ownership
proofs; then the reconciler decides coverage and the policy's checks, and the
report carries every result with its method.
"""

from fractions import Fraction

from verifier.audit import liabilities
from verifier.audit.balances import Sources, read_all
from verifier.audit.ownership import STATUS, verify_ownership
from verifier.audit.window import WindowSpec, read_window
from verifier.i18n import N_
from verifier.models.attestation import Attestation
from verifier.reconcile.checks import Given
from verifier.reconcile.observations import Observations, WalletObservation
from verifier.reconcile.policy import Policy
from verifier.reconcile.reconciler import reconcile
from verifier.report.build import build_report
from verifier.report.model import Report

LIMITATIONS = [
    N_(
        "Liabilities: the commitment was recomputed from the attestation's own header; the "
        "accounts in the tree were not recomputed (that needs the ledger: `por tree audit`), "
        "and each customer should verify their own inclusion proof."
    ),
]


def verify_attestation(
    att: Attestation,
    sources: Sources,
    policy: Policy,
    *,
    prices: dict[str, Fraction] | None = None,
    prices_source: str = "the attestation",
    other_entities: set[str] | None = None,
    window: WindowSpec | None = None,
) -> Report:
    """`window`: also read every wallet across these blocks around the snapshot."""
    commitment = liabilities.commitment_check(att)
    reads = read_all(att, sources)
    ownership = verify_ownership(att, sources)
    observations = Observations(
        {
            key: WalletObservation(
                balances=reads.balances[key],
                ownership=STATUS[ownership[key].status],
                ownership_reason=ownership[key].reason,
                read_at=reads.read_at.get(key[0]),
                evidence=ownership[key].evidence,
            )
            for key in ownership
        }
    )
    before = [
        Given(commitment, liabilities.METHOD),
        *(
            Given(c, reads.methods.get(c.id, N_("The chain read could not run.")))
            for c in reads.checks
        ),
    ]
    rec = reconcile(
        att,
        observations,
        policy,
        prices=prices,
        other_entities=other_entities,
        before=before,
        window=None if window is None else read_window(att, sources, window),
    )
    return build_report(
        rec,
        balances_source=balances_source(sources),
        prices_source=prices_source,
        scope=[
            N_(
                "Ownership: every wallet's proof verified against the por-ownership:v1 message "
                "for this exchange and snapshot."
            ),
            N_("Liabilities: the published root commitment recomputed from its header."),
        ],
        limitations=LIMITATIONS + (sources.bundle.notes if sources.bundle else []),
        window_spec="" if window is None else str(window),
    )


def balances_source(sources: Sources) -> str:
    """Where the chain answers come from, for the report's scope."""
    if sources.bundle is not None:
        return N_("an evidence bundle replayed offline (no network)")
    named = [
        f"{what} {url}"
        for what, url in (
            ("Bitcoin node", sources.btc_rpc),
            ("Esplora server", sources.esplora),
            *((f"{chain} node", url) for chain, url in sources.evm_rpc.items()),
            ("Ethereum node", sources.eth_rpc),
        )
        if url
    ]
    return ", ".join(named) or "no endpoint (every balance is inconclusive)"
