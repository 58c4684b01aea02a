"""Regenerate fixtures/stablecoin/ from real nodes: a demo yen stablecoin issued on two
anvil chains (chain ids 31337 and 31338), its issuer's attestations and their bundles.

Deploys the repo's DemoToken (contracts/, 6 decimals) on each chain, mints to holders
and to the issuer's treasury, sends some to the 0x...dEaD burn address, pins a block
on each chain, signs the treasury's ownership message, and writes two attestations
under jp-epi (a trust-type issuer): one whose reserves cover the supply, and one
short (a government bond of 120 days, more than the 92 the draft allows, excluded).
Each one's `por verify` run is recorded into an evidence bundle for --offline.

EVERY KEY HERE IS A DEMO KEY derived from public text: never fund its addresses on
a real network.

    PYTHONPATH=. .venv/bin/python scripts/make_stablecoin_demo.py
"""

import copy
import json
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct

from chains.evidence import Recorder
from tests.support.anvil import Anvil, run_anvil
from tests.support.eth import Chain, addresses
from verifier.audit.balances import Sources
from verifier.audit.stablecoin import verify_stablecoin
from verifier.io.attestation import load_any_attestation
from verifier.models.stablecoin import StablecoinAttestation
from verifier.ownership.message import OwnershipMessage
from verifier.reconcile.policy import load_policy

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "stablecoin"
ISSUER = "demo-yen-issuer"
SNAPSHOT_ID = "2026-03-31"
SNAPSHOT_TIME = "2026-03-31T15:00:00Z"
CHAIN_IDS = (31337, 31338)
DEAD = "0x000000000000000000000000000000000000dEaD"
UNIT = 10**6  # DemoToken has 6 decimals; 1 token = 1 JPY
# per chain: (held by customers, unissued in the treasury, burned), in whole tokens
SUPPLY = {31337: (600_000_000, 100_000_000, 5_000_000), 31338: (400_000_000, 50_000_000, 0)}
# outstanding: 1,000,000,000 JPY. Reserves (JPY, minor unit = 1 yen):
RESERVES: list[dict[str, Any]] = [
    {"type": "trust_deposit", "amount": "560000000", "custodian": "Demo Trust Bank"},
    {
        "type": "government_bill",
        "amount": "300000000",
        "custodian": "Demo Trust Bank",
        "maturity": "2026-05-30",  # 60 days after the snapshot
    },
    {
        "type": "bank_deposit",
        "amount": "150000000",
        "custodian": "Demo City Bank",
        "maturity": "2026-06-30",  # a time deposit
    },
]


def treasury_key() -> Any:
    """DEMO KEY: public, never fund its address on a real network."""
    return Account.from_key(sha256(b"por-verifier DEMO stablecoin treasury key").digest())


def chain_name(chain_id: int) -> str:
    return f"ethereum:{chain_id}"


def issue(node: Anvil, treasury: str) -> tuple[str, dict[str, Any]]:
    """Deploy and distribute the token on one node; its contract and pinned block."""
    chain = Chain(node.url)
    token = chain.deploy("DemoToken")
    held, unissued, burned = SUPPLY[node.chain_id]
    holders = addresses(3, seed=node.chain_id)
    shares = [held // 2, held // 4, held - held // 2 - held // 4]
    chain.mint(token, [*holders, treasury], [s * UNIT for s in [*shares, unissued + burned]])
    if burned:
        chain.set_balances([treasury], [10**18])  # gas for the transfer
        chain.transfer(token, treasury, DEAD, burned * UNIT)
    chain.mine(1)
    snap = chain.snapshot()
    chain.mine(64)  # the confirmations an auditor requires on an unlisted chain
    point = {
        "chain": chain_name(node.chain_id),
        "height": snap.height,
        "block_hash": snap.block_hash.removeprefix("0x"),
    }
    return token, point


def attestation(tokens: dict[int, str], points: list[dict[str, Any]]) -> dict[str, Any]:
    key = treasury_key()
    treasuries = []
    for chain_id in CHAIN_IDS:
        text = OwnershipMessage(ISSUER, SNAPSHOT_ID, "ethereum", str(chain_id), key.address).text()
        signed = Account.sign_message(encode_defunct(text=text), key.key)
        treasuries.append(
            {
                "chain": chain_name(chain_id),
                "address": key.address,
                "ownership_proof": {"message": text, "signature": "0x" + signed.signature.hex()},
            }
        )
    return {
        "format": "por-attestation-v1",
        "kind": "stablecoin",
        "issuer": {"id": ISSUER, "name": "Demo Yen Issuer (test only)"},
        "issuer_type": "trust",
        "token": {
            "symbol": "DEMO",  # what the contract's symbol() answers
            "peg_currency": "JPY",
            "deployments": [
                {"chain": chain_name(c), "contract": tokens[c], "decimals": 6} for c in CHAIN_IDS
            ],
        },
        "snapshot": {"id": SNAPSHOT_ID, "time": SNAPSHOT_TIME, "chains": points},
        "treasuries": treasuries,
        "burn_addresses": [{"chain": chain_name(CHAIN_IDS[0]), "address": DEAD}],
        "reserves": [{**r, "currency": "JPY", "as_of": "2026-03-31"} for r in RESERVES],
        "policy": "jp-epi",
    }


def falls_short(att: dict[str, Any]) -> dict[str, Any]:
    """The bond matures 120 days after the snapshot: more than 92, so it does not count
    and the eligible reserves (710m JPY) fall short of the supply (1bn JPY)."""
    short = copy.deepcopy(att)
    short["reserves"][1]["maturity"] = "2026-07-29"
    return short


def record(path: Path, evidence: Path, urls: dict[str, str]) -> str:
    recorder = Recorder()
    att = load_any_attestation(path)
    assert isinstance(att, StablecoinAttestation)
    rec = verify_stablecoin(att, Sources(evm_rpc=urls, recorder=recorder), load_policy(att.policy))
    recorder.bundle.save(evidence)
    return str(rec.checks[-1].verify().status)


def main(out: Path = OUT, while_live: Callable[[dict[str, str], Path], None] | None = None) -> None:
    """Write the demo into `out`; tests write a copy, and use `while_live` to check
    more against the nodes (chain -> URL) before they stop."""
    with run_anvil(chain_id=CHAIN_IDS[0]) as a, run_anvil(chain_id=CHAIN_IDS[1]) as b:
        tokens: dict[int, str] = {}
        points = []
        for node in (a, b):
            Chain(node.url).install_multicall()
            tokens[node.chain_id], point = issue(node, treasury_key().address)
            points.append(point)
        urls = {chain_name(n.chain_id): n.url for n in (a, b)}
        doc = attestation(tokens, points)
        for sub, body in (("", doc), ("short", falls_short(doc))):
            folder = out / sub
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "attestation.json"
            path.write_text(json.dumps(body, indent=2) + "\n")
            verdict = record(path, folder / "evidence.json", urls)
            print(f"{path}: {verdict}")
        if while_live is not None:
            while_live(urls, out)


if __name__ == "__main__":
    main()
