"""--proofs mode: balances proven against the stateRoot of a header that hashes to
the pin. Valid proofs give the balances; any single tampered field fails the check."""

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from chains.ethereum import EthereumOptions, read_balances
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import Balances, Failed, Reason, Snapshot
from tests.support.anvil import Anvil
from tests.support.eth import Chain, addresses
from tests.support.faults import Intercept

PROVE_ETH = EthereumOptions(chain_id=31337, proofs=True)


@pytest.fixture(scope="module")
def setup(anvil: Anvil) -> tuple[Chain, str, list[str], Snapshot]:
    chain = Chain(anvil.url)
    token = chain.deploy("DemoToken")
    who = addresses(6, seed=4242)
    chain.set_balances(who[:5], [10**18, 2, 3, 4, 5])  # who[5] never existed
    chain.mint(token, who[:4], [11, 22, 33, 44])
    snap = chain.snapshot()
    chain.mine(64)
    return chain, token, who, snap


def test_valid_proofs(anvil: Anvil, setup: tuple[Chain, str, list[str], Snapshot]) -> None:
    _, token, who, snap = setup
    with JsonRpcClient(anvil.url) as client:
        eth = read_balances(client, snap, who, PROVE_ETH)
        tok = read_balances(
            client, snap, who, replace(PROVE_ETH, token=token, balance_slot=0, chunk_size=4)
        )
    assert isinstance(eth, Balances) and [b.balance for b in eth.balances] == [
        10**18,
        2,
        3,
        4,
        5,
        0,
    ]
    assert isinstance(tok, Balances) and [b.balance for b in tok.balances] == [11, 22, 33, 44, 0, 0]


def test_wrong_balance_slot_proves_zero_not_a_wrong_number(
    anvil: Anvil, setup: tuple[Chain, str, list[str], Snapshot]
) -> None:
    _, token, who, snap = setup
    with JsonRpcClient(anvil.url) as client:
        tok = read_balances(client, snap, who, replace(PROVE_ETH, token=token, balance_slot=1))
    assert isinstance(tok, Balances) and tok.total == 0


def flip(hex_text: str, at: int = -3) -> str:
    """Change one hex digit (by default inside the last byte's neighbourhood)."""
    digits = list(hex_text)
    digits[at] = "0" if digits[at] != "0" else "1"
    return "".join(digits)


def on(method: str, change: Callable[[Any], None]) -> Intercept:
    """Apply `change` to the first result of `method` the node gives."""
    done: list[int] = []

    def rewrite(n: int, body: Any, answer: Any) -> Any:
        items = answer if isinstance(answer, list) else [answer]
        calls = body if isinstance(body, list) else [body]
        for call, item in zip(calls, items, strict=True):
            if call["method"] == method and not done and item.get("result"):
                answer = copy.deepcopy(answer)
                target = answer if isinstance(answer, dict) else answer[items.index(item)]
                change(target["result"])
                done.append(1)
                break
        return answer

    return Intercept(rewrite=rewrite)


def set_(key: str, fn: Callable[[Any], Any]) -> Callable[[Any], None]:
    def change(result: Any) -> None:
        result[key] = fn(result[key])

    return change


def last_node(result: Any) -> None:
    result["accountProof"][-1] = flip(result["accountProof"][-1], at=40)


def first_node(result: Any) -> None:
    result["accountProof"][0] = flip(result["accountProof"][0], at=10)


def dropped_node(result: Any) -> None:
    del result["accountProof"][1]


def storage_value(result: Any) -> None:
    result["storageProof"][0]["value"] = hex(int(result["storageProof"][0]["value"], 16) + 1)


def storage_node(result: Any) -> None:
    proof = result["storageProof"][0]["proof"]
    proof[-1] = flip(proof[-1], at=20)


def storage_key(result: Any) -> None:
    result["storageProof"][0]["key"] = "0x" + "00" * 31 + "01"


TAMPERINGS = [
    ("eth_getProof", set_("balance", lambda v: hex(int(v, 16) + 1)), False, "its proof shows"),
    ("eth_getProof", last_node, False, "proof"),
    ("eth_getProof", first_node, False, "proof"),
    ("eth_getProof", dropped_node, False, "proof"),
    ("eth_getProof", set_("address", lambda v: "0x" + "11" * 20), False, "asked a proof"),
    ("eth_getBlockByHash", set_("stateRoot", flip), False, "hashes to"),
    ("eth_getBlockByHash", set_("number", lambda v: hex(int(v, 16) + 1)), False, "hashes to"),
    ("eth_getProof", storage_value, True, "its proof shows"),
    ("eth_getProof", storage_node, True, "slot"),
    ("eth_getProof", storage_key, True, "asked"),
]


@pytest.mark.parametrize(
    ("method", "change", "token", "says"),
    TAMPERINGS,
    ids=[
        "balance-field",
        "last-node",
        "root-node",
        "node-missing",
        "other-account",
        "header-stateRoot",
        "header-number",
        "storage-value",
        "storage-node",
        "storage-key",
    ],
)
def test_one_tampered_field_fails(
    anvil: Anvil,
    setup: tuple[Chain, str, list[str], Snapshot],
    method: str,
    change: Callable[[Any], None],
    token: bool,
    says: str,
) -> None:
    _, token_address, who, snap = setup
    opts = replace(PROVE_ETH, token=token_address, balance_slot=0) if token else PROVE_ETH
    with JsonRpcClient(anvil.url, transport=on(method, change)) as client:
        result = read_balances(client, snap, who[:4], opts)
    assert isinstance(result, Failed), result
    assert result.reason is Reason.PROOF_INVALID
    assert says in result.message
