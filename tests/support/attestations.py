"""A small, valid attestation and the balances that make it pass jp-fsa-2026-draft,
as plain JSON data that a test can tamper with one field at a time.

Figures (JPY): BTC 10,000,000; ETH 400,000; USDC 150 (per whole unit), at the snapshot
and as the one-year averages (FY to 2026-03-31) that Korea's rules value at.
Liabilities: 100 BTC, 1,000 ETH, 1,000,000 USDC -> customer crypto 1.55bn JPY.
Held for customers: BTC 96 cold + 4 hot, ETH 960 + 40, USDC 960,000 + 40,000,
exactly 4% hot by value; own cold crypto matches the hot holdings one for one.
"""

import copy
import json
from pathlib import Path
from typing import Any

from verifier.reconcile.policy import for_stablecoins, load_policy, presets

# the presets for exchanges' attestations (the others judge stablecoin issuers')
EXCHANGE_PRESETS = [n for n in presets() if not for_stablecoins(load_policy(n))]
SNAPSHOT_TIME = "2026-03-31T15:00:00Z"
BTC_BLOCK = "11" * 32
ETH_BLOCK = "22" * 32
BTC, ETH, USDC = 10**8, 10**18, 10**6

WALLETS: list[dict[str, Any]] = [
    # (chain, address, assets, role, class)
    {
        "chain": "bitcoin:regtest",
        "address": "bcrt1qcold0",
        "assets": ["BTC"],
        "role": "cold",
        "ownership_class": "customer",
        "first_use_height": 100,
    },
    {
        "chain": "bitcoin:regtest",
        "address": "bcrt1qhot0",
        "assets": ["BTC"],
        "role": "hot",
        "ownership_class": "customer",
        "first_use_height": 100,
    },
    {
        "chain": "bitcoin:regtest",
        "address": "bcrt1qowncold0",
        "assets": ["BTC"],
        "role": "cold",
        "ownership_class": "own",
        "first_use_height": 100,
    },
    {
        "chain": "ethereum:31337",
        "address": "0x" + "a1" * 20,
        "assets": ["ETH", "USDC"],
        "role": "cold",
        "ownership_class": "customer",
    },
    {
        "chain": "ethereum:31337",
        "address": "0x" + "b2" * 20,
        "assets": ["ETH", "USDC"],
        "role": "hot",
        "ownership_class": "customer",
    },
    {
        "chain": "ethereum:31337",
        "address": "0x" + "c3" * 20,
        "assets": ["ETH", "USDC"],
        "role": "cold",
        "ownership_class": "own",
    },
]

HOLDINGS = {
    "bcrt1qcold0": {"BTC": 96 * BTC},
    "bcrt1qhot0": {"BTC": 4 * BTC},
    "bcrt1qowncold0": {"BTC": 4 * BTC},
    "0x" + "a1" * 20: {"ETH": 960 * ETH, "USDC": 960_000 * USDC},
    "0x" + "b2" * 20: {"ETH": 40 * ETH, "USDC": 40_000 * USDC},
    "0x" + "c3" * 20: {"ETH": 40 * ETH, "USDC": 40_000 * USDC},
}


def attestation(policy: str = "jp-fsa-2026-draft") -> dict[str, Any]:
    wallets = []
    for w in WALLETS:
        proof = {"message": f"por-ownership:v1 demo {w['address']}", "signature": "c2lnbmF0dXJl"}
        wallets.append({**copy.deepcopy(w), "ownership_proof": proof})
    return {
        "format": "por-attestation-v1",
        "exchange": {"id": "demo-exchange", "name": "Demo Exchange K.K. (demo data)"},
        "reporting_currency": "JPY",
        "snapshot": {
            "id": "2026-03-31",
            "time": SNAPSHOT_TIME,
            "chains": [
                {"chain": "bitcoin:regtest", "height": 500, "block_hash": BTC_BLOCK},
                {"chain": "ethereum:31337", "height": 900, "block_hash": ETH_BLOCK},
            ],
        },
        "liabilities": {
            "tree": {
                "format": "por-mst-v1",
                "snapshot_id": "2026-03-31",
                "height": 32,
                "assets": [
                    {"symbol": "BTC", "decimals": 8},
                    {"symbol": "ETH", "decimals": 18},
                    {"symbol": "USDC", "decimals": 6},
                ],
                "root": {
                    "hash": "ab" * 32,
                    "sums": [str(100 * BTC), str(1000 * ETH), str(1_000_000 * USDC)],
                },
                "root_commitment": "cd" * 32,
                "account_count": 1000,
            },
            "offchain_fiat": "50000000",
        },
        "wallets": wallets,
        "tokens": [
            {
                "chain": "ethereum:31337",
                "contract": "0x" + "de" * 20,
                "symbol": "USDC",
                "decimals": 6,
            }
        ],
        "liability_reserve": {
            "cash": [
                {
                    "amount": "2000000000",
                    "currency": "JPY",
                    "held_at": "trust",
                    "holder": "Demo Trust Bank (demo)",
                }
            ],
            "insurance": [
                {
                    "insurer": "Demo Insurance (demo)",
                    "cover": {"amount": "1000000000", "currency": "JPY"},
                    "deductible": "100000000",
                    "period_start": "2025-10-01T00:00:00Z",
                    "period_end": "2026-10-01T00:00:00Z",
                    "perils": ["hack", "operational-failure"],
                    "cancellation_notice_days": 90,
                }
            ],
        },
        "reserve_inputs": {
            "fiscal_year": 2025,
            "trading_volume_12m": "50000000000000",
            "incident_losses": [
                {"fiscal_year": 2022, "loss": "0"},
                {"fiscal_year": 2023, "loss": "300000000"},
                {"fiscal_year": 2024, "loss": "0"},
            ],
            "fixed_overheads": "800000000",
            "service_class": 2,
        },
        "prices": {"BTC": "10000000", "ETH": "400000", "USDC": "150", "EUR": "160", "GBP": "190"},
        # Korea's valuation: the one-year average up to the snapshot day, here equal to the
        # snapshot's prices so that every preset sees the same values.
        "average_prices": {
            "period_start": "2025-04-01",
            "period_end": "2026-03-31",
            "prices": {"BTC": "10000000", "ETH": "400000", "USDC": "150"},
        },
        "policy": policy,
    }


def balances(att: dict[str, Any]) -> dict[str, Any]:
    """Every wallet read at the snapshot block, ownership verified."""
    blocks = {c["chain"]: c for c in att["snapshot"]["chains"]}
    out = []
    seen = set()
    for w in att["wallets"]:
        if (w["chain"], w["address"]) in seen:
            continue  # a repeated listing is one wallet on chain
        seen.add((w["chain"], w["address"]))
        block = blocks[w["chain"]]
        held = HOLDINGS.get(w["address"], {})
        out.append(
            {
                "chain": w["chain"],
                "address": w["address"],
                "height": block["height"],
                "block_hash": block["block_hash"],
                "balances": {a: {"units": str(held.get(a, 0))} for a in w["assets"]},
                "ownership": {"status": "verified"},
            }
        )
    return {"format": "por-balances-v1", "wallets": out}


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2))
    return path


def set_balance(bal: dict[str, Any], address: str, symbol: str, units: int) -> None:
    """Put `units` of `symbol` in the balances file entry of `address`."""
    for w in bal["wallets"]:
        if w.get("address") == address:
            w["balances"][symbol] = {"units": str(units)}
            return
    raise KeyError(address)


def reconciled(
    tmp_path: Path,
    att: dict[str, Any],
    bal: dict[str, Any] | None = None,
    policy: str | None = None,
    others: set[str] | None = None,
) -> Any:
    """The report of reconciling `att` (and `bal`, by default all verified) through the
    same loaders the CLI uses."""
    from verifier.io.attestation import load_attestation, load_balances
    from verifier.reconcile.policy import load_policy
    from verifier.reconcile.reconciler import reconcile
    from verifier.report.build import build_report

    loaded = load_attestation(write(tmp_path / "attestation.json", att))
    obs = load_balances(write(tmp_path / "balances.json", bal or balances(att)), loaded)
    rec = reconcile(loaded, obs, load_policy(policy or loaded.policy), other_entities=others)
    return build_report(rec, balances_source="test", prices_source="test")


def status(report: Any, check_id: str) -> str:
    """The status of one check of a report, by id."""
    matches = [c for c in report.checks if c.id == check_id]
    assert len(matches) == 1, f"{check_id}: {[c.id for c in report.checks]}"
    return str(matches[0].status.value)


COLD_BTC, HOT_BTC, OWN_BTC = "bcrt1qcold0", "bcrt1qhot0", "bcrt1qowncold0"
COLD_ETH, HOT_ETH, OWN_ETH = "0x" + "a1" * 20, "0x" + "b2" * 20, "0x" + "c3" * 20
