"""Regenerate fixtures/demo/ from real nodes: a small exchange and its attestations.

Starts bcoin (regtest) and anvil on 127.0.0.1, funds the demo exchange's wallets,
pins a snapshot on both chains, builds the liability tree from
fixtures/demo/ledger.csv, signs every ownership message, writes two attestations
(one that passes jp-fsa-2026-draft and one that falls short: a hot share too high
and USDC under-covered), and records each one's `por verify` run into an evidence
bundle, so that `./tasks demo` replays it offline.

EVERY KEY HERE IS A DEMO KEY derived from public text: never fund its addresses on
a real network.

    PYTHONPATH=. .venv/bin/python scripts/make_demo.py
"""

import copy
import json
import shutil
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_defunct

from chains.evidence import Recorder
from tests.support.anvil import Anvil, run_anvil
from tests.support.attestations import attestation as template
from tests.support.bcoin import Bcoin, run_bcoin
from tests.support.btc_wallet import DemoKey, Faucet, Kind
from tests.support.btcsign import encode, sign_bip137, sign_p2wpkh
from tests.support.eth import Chain
from verifier.audit.assemble import assemble
from verifier.audit.balances import Sources
from verifier.audit.run import verify_attestation
from verifier.io.assets import parse_asset_list
from verifier.io.attestation import load_attest_config, load_attestation
from verifier.io.ledger import Ledger
from verifier.io.outputs import Outputs
from verifier.ownership.message import OwnershipMessage
from verifier.reconcile.policy import load_policy
from verifier.tree.build import TREE_FILES, build_tree

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"
SNAPSHOT_ID = "2026-03-31"
EXCHANGE = "demo-exchange"
NONCE_KEY = sha256(b"por-verifier DEMO nonce key: public, never use it for real").digest()
BTC, ETH, USDC = 10**8, 10**18, 10**6

# (name, role, class, BTC, ETH, USDC): the on-chain holdings of each wallet
HOLDINGS = [
    ("cold", "cold", "customer", 185 * BTC, 1480 * ETH, 1_320_000 * USDC),
    ("hot", "hot", "customer", 7 * BTC, 50 * ETH, 40_000 * USDC),
    ("own", "cold", "own", 7 * BTC, 50 * ETH, 40_000 * USDC),
]


def eth_key(name: str) -> Any:
    """DEMO KEY: public, never fund its address on a real network."""
    return Account.from_key(sha256(f"por-verifier DEMO eth key {name}".encode()).digest())


def btc_key(name: str) -> DemoKey:
    return DemoKey(f"demo-exchange {name}", Kind.P2PKH if name == "hot" else Kind.P2WPKH)


def message(chain: str, address: str) -> str:
    family, _, network = chain.partition(":")
    return OwnershipMessage(EXCHANGE, SNAPSHOT_ID, family, network, address).text()


def fund_bitcoin(faucet: Faucet) -> int:
    """Pay each wallet in coinbase-sized parts; the height of the first paying block."""
    for name, _, _, btc, _, _ in HOLDINGS:
        left = btc
        while left:
            part = min(left, 40 * BTC)
            faucet.pay([(btc_key(name), part)])
            left -= part
    first = faucet.node.height() + 1
    faucet.node.mine(1, faucet.key.address)
    return first


def fund_ethereum(chain: Chain) -> tuple[str, dict[str, str]]:
    """The token, and each wallet's address: the hot wallet is a contract wallet
    (ERC-1271) owned by the "hot" demo key, so its ownership proof is the contract's
    own answer at the snapshot block."""
    chain.install_multicall()
    token = chain.deploy("DemoToken")
    owner = bytes(12) + bytes.fromhex(eth_key("hot").address[2:])
    addresses = {name: eth_key(name).address for name, *_ in HOLDINGS}
    addresses["hot"] = chain.deploy("DemoWallet1271", owner)
    holders = [addresses[name] for name, *_ in HOLDINGS]
    chain.set_balances(holders, [eth for *_, eth, _ in HOLDINGS])
    chain.mint(token, holders, [usdc for *_, usdc in HOLDINGS])
    return token, addresses


def btc_signature(name: str, msg: str) -> str:
    key = btc_key(name)
    if key.kind is Kind.P2PKH:
        return sign_bip137(key.private, msg, 31)  # BIP-137, compressed P2PKH
    return encode(sign_p2wpkh(key.private, key.script_pubkey, msg), "")  # BIP-322 simple


def eth_signature(name: str, msg: str) -> str:
    signed = Account.sign_message(encode_defunct(text=msg), eth_key(name).key)
    return "0x" + bytes(signed.signature).hex()


def configuration(
    btc_chain: str, eth_chain: str, token: str, eth_addresses: dict[str, str], first_use: int
) -> dict[str, Any]:
    """What the exchange writes for `por attest`: everything but the tree and the blocks."""
    att = template()
    del att["snapshot"]["chains"], att["liabilities"]["tree"], att["format"]
    att["tokens"][0]["contract"] = token
    wallets = []
    for name, role, cls, *_ in HOLDINGS:
        btc_addr = btc_key(name).address
        wallets.append(
            {
                "chain": btc_chain,
                "address": btc_addr,
                "assets": ["BTC"],
                "role": role,
                "ownership_class": cls,
                "first_use_height": first_use,
                "ownership_proof": {
                    "message": (m := message(btc_chain, btc_addr)),
                    "signature": btc_signature(name, m),
                },
            }
        )
    for name, role, cls, *_ in HOLDINGS:
        eth_addr = eth_addresses[name]
        wallets.append(
            {
                "chain": eth_chain,
                "address": eth_addr,
                "assets": ["ETH", "USDC"],
                "role": role,
                "ownership_class": cls,
                "ownership_proof": {
                    "message": (m := message(eth_chain, eth_addr)),
                    "signature": eth_signature(name, m),
                },
            }
        )
    att["wallets"] = wallets
    return att


def falls_short(att: dict[str, Any]) -> dict[str, Any]:
    """The same exchange declaring its BTC cold wallet hot (hot share far above 5%) and
    leaving its cold USDC out (USDC under-covered)."""
    short = copy.deepcopy(att)
    short["wallets"][0]["role"] = "hot"
    short["wallets"][3]["assets"] = ["ETH"]
    return short


def record(path: Path, evidence: Path, btc_url: str, eth_url: str) -> str:
    recorder = Recorder()
    att = load_attestation(path)
    report = verify_attestation(
        att, Sources(btc_rpc=btc_url, eth_rpc=eth_url, recorder=recorder), load_policy(att.policy)
    )
    recorder.bundle.save(evidence)
    return str(report.verdict)


def main(demo: Path = DEMO, while_live: Callable[[Bcoin, Anvil], None] | None = None) -> None:
    """Write the demo into `demo` (which must hold ledger.csv); tests use a copy, and
    `while_live` to check more against the nodes before they stop."""
    tree = demo / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    book = Ledger(demo / "ledger.csv", parse_asset_list("BTC:8,ETH:18,USDC:6"))
    with Outputs([book.path], force=False, force_flag="--force") as outputs:
        outputs.add_directory(tree, "tree", TREE_FILES)
        root = build_tree(book, SNAPSHOT_ID, 32, tree, NONCE_KEY, outputs=outputs).root
    with run_bcoin() as bnode, run_anvil() as enode:
        faucet = Faucet(bnode)
        faucet.fill()
        first_use = fund_bitcoin(faucet)
        bnode.mine(2, faucet.key.address)
        btc_height = bnode.height()
        btc_point = {
            "chain": "bitcoin:regtest",
            "height": btc_height,
            "block_hash": bnode.rpc("getblockhash", btc_height),
        }
        bnode.mine(6, faucet.key.address)  # the confirmations an auditor requires
        chain = Chain(enode.url)
        token, eth_addresses = fund_ethereum(chain)
        chain.mine(1)
        snap = chain.snapshot()
        eth_point = {
            "chain": "ethereum:31337",
            "height": snap.height,
            "block_hash": snap.block_hash.removeprefix("0x"),
        }
        chain.mine(64)
        config = configuration(
            btc_point["chain"], eth_point["chain"], token, eth_addresses, first_use
        )
        for sub, doc in (("", config), ("short", falls_short(config))):
            folder = demo / sub
            folder.mkdir(exist_ok=True)
            (folder / "attest-config.json").write_text(json.dumps(doc, indent=2) + "\n")
            config = folder / "attest-config.json"
            att = assemble(
                load_attest_config(config), str(config), root, "root.json", [btc_point, eth_point]
            )
            path = folder / "attestation.json"
            path.write_text(att.model_dump_json(indent=2) + "\n")
            verdict = record(path, folder / "evidence.json", bnode.url, enode.url)
            print(f"{path}: {verdict}")
        if while_live is not None:
            while_live(bnode, enode)


if __name__ == "__main__":
    main()
