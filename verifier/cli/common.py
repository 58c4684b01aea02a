"""What the commands that judge an attestation share: the options for the policy, the
auditor's prices, other entities' addresses and evidence bundles, and how each is
turned into what the domain takes. One definition each, so that `por verify`,
`por self-check`, `por reconcile` and `por chain balances` cannot drift apart."""

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from chains.evidence import Bundle
from chains.names import ChainNameError, parse_chain
from chains.transport import DEFAULT_TIMEOUT, MAX_TIMEOUT
from verifier.errors import InputError
from verifier.i18n import N_
from verifier.io.attestation import load_other_entities, load_prices
from verifier.io.evidence import load_bundle
from verifier.models.attestation import Attestation
from verifier.models.stablecoin import StablecoinAttestation
from verifier.reconcile.policy import Policy, for_stablecoins, load_policy, presets

PolicyOption = Annotated[
    str | None,
    typer.Option(
        help=f"A preset ({', '.join(presets())}) or a policy TOML file (por-policy-v1); "
        "default: the policy the attestation claims."
    ),
]
PricesOption = Annotated[
    Path | None,
    typer.Option(
        help="Your own prices (JSON por-prices-v1: format, currency, prices {SYMBOL: "
        '"decimal" > 0}), replacing the attestation\'s one by one.'
    ),
]
OtherEntitiesOption = Annotated[
    Path | None,
    typer.Option(
        help="Other entities' addresses, one a line ('#' comments): none may appear among "
        "the wallets."
    ),
]
JsonOutOption = Annotated[
    Path | None, typer.Option("--json", help="Write the whole report as JSON.")
]
HtmlOutOption = Annotated[
    Path | None, typer.Option("--html", help="Write a self-contained HTML report.")
]
BtcRpcOption = Annotated[str | None, typer.Option(help="Bitcoin Core JSON-RPC URL (raw blocks).")]
EsploraOption = Annotated[str | None, typer.Option(help="Esplora REST URL (trusted for history).")]
OfflineOption = Annotated[
    Path | None,
    typer.Option(help="Replay this evidence bundle (por-evidence-v1) instead of the network."),
]
EvidenceOutOption = Annotated[
    Path | None,
    typer.Option(help="Record every node answer into this evidence bundle (por-evidence-v1)."),
]
RpcTimeoutOption = Annotated[
    float | None,
    typer.Option(
        help=f"The longest one node request may take, in seconds, its retries included "
        f"(default {DEFAULT_TIMEOUT:g}, at most {MAX_TIMEOUT:g}): a node that answers too "
        "slowly, or not at all, ends in 'timeout'."
    ),
]


def applied_policy(
    policy: str | None, att: Attestation | StablecoinAttestation, attestation: Path
) -> Policy:
    """--policy, or the policy the attestation claims when it is a preset; a policy
    for the other kind of attestation (a stablecoin's for an exchange's) is refused."""
    if policy is not None:
        if not policy.strip():
            raise InputError("--policy", None, "is empty: give a preset or a policy file")
        applied, where, field = load_policy(policy), "--policy", None
    else:
        if att.policy not in presets():
            problem = f"{att.policy!r} is not a preset; give --policy FILE"
            raise InputError(str(attestation), "policy", problem)
        applied, where, field = load_policy(att.policy), str(attestation), "policy"
    stablecoin = for_stablecoins(applied)
    if stablecoin != isinstance(att, StablecoinAttestation):
        kind = "a stablecoin issuer's" if stablecoin else "an exchange's"
        problem = f"{applied.id} is a policy for {kind} attestation, this one is not"
        raise InputError(where, field, problem)
    return applied


def auditor_prices(prices: Path | None, att: Attestation) -> tuple[dict[str, Fraction] | None, str]:
    """The prices to use and, for the report, where they came from."""
    if prices is None:
        return None, N_("the attestation")
    return load_prices(prices, att), N_("{file}, then the attestation").format(file=prices)


def other_entities(path: Path | None) -> set[str] | None:
    return None if path is None else load_other_entities(path)


def replayed_bundle(offline: Path | None, evidence_out: Path | None) -> Bundle | None:
    """The bundle --offline replays; with --evidence-out too it is refused, since a
    replay records nothing new (the bundle written would be empty)."""
    if offline is None:
        return None
    if evidence_out is not None:
        raise InputError("--evidence-out", None, "an offline replay records nothing new")
    return load_bundle(offline)


def request_deadline(seconds: float | None, *, contacts_node: bool) -> float:
    """--rpc-timeout, checked; refused, never ignored, when the run asks no node."""
    if seconds is None:
        return DEFAULT_TIMEOUT
    if not 0 < seconds <= MAX_TIMEOUT:  # NaN and infinity too
        raise InputError("--rpc-timeout", None, f"must be above 0 and at most {MAX_TIMEOUT:g} s")
    if not contacts_node:
        raise InputError("--rpc-timeout", None, "no node is asked (none named, or a replay)")
    return seconds


def evm_endpoints(given: list[str]) -> dict[str, str]:
    """Each --rpc CHAIN=URL as chain -> URL, one per chain however it is spelled."""
    out: dict[str, str] = {}
    for item in given:
        chain, equals, url = item.partition("=")
        if not equals or not url.strip():
            raise InputError("--rpc", None, f"{item!r} is not CHAIN=URL")
        if ":" not in chain:
            chain = f"evm:{chain}"  # a registry name alone: --rpc ethereum=URL
        try:
            ref = parse_chain(chain)
        except ChainNameError as e:
            raise InputError("--rpc", None, str(e)) from None
        if ref.family != "evm":
            raise InputError("--rpc", None, f"{chain} is not an EVM chain (--btc-rpc, --esplora)")
        twice = next((named for named in out if parse_chain(named) == ref), None)
        if twice is not None:
            raise InputError("--rpc", None, f"{chain} is named twice ({twice})")
        out[chain] = url.strip()
    return out
