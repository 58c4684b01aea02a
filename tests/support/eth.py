"""Set-up on a real anvil: deploy the repo's contracts, fund addresses, take snapshots.

Transactions come from anvil's first unlocked dev account (a well-known demo key,
never a secret), so no signing code is needed here.
"""

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector, to_checksum_address

from chains.ethereum.calls import MULTICALL3
from chains.jsonrpc import JsonRpcClient
from chains.snapshot import Snapshot

BUILD = Path(__file__).resolve().parents[2] / "contracts" / "build"
DEV = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # anvil's demo account 0


def artifact(name: str) -> dict[str, Any]:
    return dict(json.loads((BUILD / f"{name}.json").read_text()))


def addresses(n: int, seed: int = 0) -> list[str]:
    """n distinct fresh addresses (checksummed), different for each seed; the leading
    0xa0 keeps them clear of the precompiles at the low addresses."""
    return [to_checksum_address(f"0xa0{seed:08x}{i + 1:030x}") for i in range(n)]


class Chain:
    """A thin set-up helper over one anvil node."""

    def __init__(self, url: str) -> None:
        self.rpc = JsonRpcClient(url)

    def send(self, to: str | None, data: bytes = b"", value: int = 0, sender: str = DEV) -> Any:
        tx: dict[str, Any] = {"from": sender, "data": "0x" + data.hex(), "value": hex(value)}
        if to is not None:
            tx["to"] = to
        tx_hash = self.rpc.call("eth_sendTransaction", [tx])
        receipt = None
        for _ in range(200):  # automine answers before the receipt is stored
            receipt = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if receipt is not None:
                break
            time.sleep(0.01)
        if receipt is None or receipt["status"] != "0x1":
            raise RuntimeError(f"transaction failed: {receipt}")
        return receipt

    def deploy(self, name: str, args: bytes = b"") -> str:
        code = bytes.fromhex(artifact(name)["bytecode"][2:])
        return to_checksum_address(self.send(None, code + args)["contractAddress"])

    def install_multicall(self, at: str = MULTICALL3) -> str:
        """Our Multicall's runtime code at the canonical Multicall3 address."""
        self.rpc.call("anvil_setCode", [at, artifact("Multicall")["deployedBytecode"]])
        return at

    def remove_code(self, at: str = MULTICALL3) -> None:
        self.rpc.call("anvil_setCode", [at, "0x"])

    def set_balances(self, holders: Sequence[str], amounts: Sequence[int]) -> None:
        """Cheat the balances in, in a block of their own: anvil_setBalance edits the
        state of the current tip in place, so a tip that is a snapshot is moved past first."""
        self.mine()
        calls = [("anvil_setBalance", [a, hex(v)]) for a, v in zip(holders, amounts, strict=True)]
        self.rpc.batch(calls, size=500)
        self.mine()

    def mint(self, token: str, holders: Sequence[str], amounts: Sequence[int]) -> None:
        selector = function_signature_to_4byte_selector("mintBatch(address[],uint256[])")
        for i in range(0, len(holders), 500):
            args = encode(["address[]", "uint256[]"], [holders[i : i + 500], amounts[i : i + 500]])
            self.send(token, selector + args)

    def transfer(self, token: str, sender: str, to: str, amount: int) -> None:
        selector = function_signature_to_4byte_selector("transfer(address,uint256)")
        self.impersonate(sender)
        self.send(token, selector + encode(["address", "uint256"], [to, amount]), sender=sender)

    def pay(self, sender: str, to: str, value: int) -> None:
        self.impersonate(sender)
        self.send(to, value=value, sender=sender)

    def impersonate(self, who: str) -> None:
        self.rpc.call("anvil_impersonateAccount", [who])

    def mine(self, blocks: int = 1) -> None:
        self.rpc.call("anvil_mine", [hex(blocks)])

    def reorg(self, from_height: int) -> None:
        """Replace the blocks from `from_height` to the tip with new ones (a payment in
        the first, so no replacement can come out identical to the block it replaces)."""
        depth = self.snapshot().height - from_height + 1
        payment = {"from": DEV, "to": addresses(1, seed=depth)[0], "value": "0x1"}
        self.rpc.call("anvil_reorg", [depth, [[payment, 0]]])

    def balance(self, who: str) -> int:
        return int(self.rpc.call("eth_getBalance", [who, "latest"]), 16)

    def snapshot(self) -> Snapshot:
        """The current tip as a snapshot."""
        block = self.rpc.call("eth_getBlockByNumber", ["latest", False])
        return Snapshot(int(block["number"], 16), block["hash"])
