"""The reconciliation of one attestation: positions per asset, the integrity checks
every policy gets, and the policy's own checks. Nothing runs until a report asks
each check to verify."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from verifier.models.attestation import Attestation
from verifier.reconcile.checks import Check
from verifier.reconcile.holdings import Position, Prices, distinct_wallets, positions
from verifier.reconcile.integrity import integrity_checks
from verifier.reconcile.observations import Observations
from verifier.reconcile.policy import Policy
from verifier.reconcile.rules import Context, policy_checks
from verifier.reconcile.window import ChainWindow, WindowAsset, window_assets, window_checks


@dataclass(frozen=True)
class Reconciliation:
    attestation: Attestation
    policy: Policy
    positions: list[Position]
    prices: Prices
    observations: Observations  # what was read of each wallet, for the report's wallet lines
    checks: list[Check]
    other_entities: int | None  # how many other entities' addresses were compared, if any
    window: list[WindowAsset] | None = None  # per asset, when a window was read
    window_chains: tuple[ChainWindow, ...] = ()


def reconcile(
    att: Attestation,
    obs: Observations,
    policy: Policy,
    *,
    prices: Mapping[str, Fraction] | None = None,
    other_entities: set[str] | None = None,
    before: Sequence[Check] = (),
    window: Sequence[ChainWindow] | None = None,
) -> Reconciliation:
    """`prices`: the auditor's (defaults to the attestation's); `other_entities`: the
    normalized addresses of other entities, or None when none were given; `before`:
    checks decided elsewhere that belong in the same verdict (the liability tree's
    commitment, for one), wrapped in `checks.Given` when they are plain results;
    `window`: each chain's window as read around the snapshot, when one was asked for."""
    table = Prices(att.reporting_currency, att.prices if prices is None else prices)
    pos = positions(att, obs)
    ctx = Context(att, pos, table)
    checks = [
        *before,
        *integrity_checks(att, distinct_wallets(att), obs, other_entities),
        policy_checks(policy, ctx),
    ]
    assets = None if window is None else window_assets(att, obs, pos, window)
    if window is not None and assets is not None:
        checks += window_checks(assets, window, policy)
    return Reconciliation(
        attestation=att,
        policy=policy,
        positions=pos,
        prices=table,
        observations=obs,
        checks=checks,
        other_entities=None if other_entities is None else len(other_entities),
        window=assets,
        window_chains=tuple(window or ()),
    )
