"""The coins a set of scripts holds, followed block by block.

Only outputs created inside the scanned range are known, so the range must
start at (or before) the first block that paid any of the scripts: the caller
gives that height. Within the range the result is exact: every output paying
a script is added, and removed again when any later transaction spends it.
"""

from collections.abc import Iterable

from bitcoin.core import CBlock


class Ledger:
    def __init__(self, scripts: Iterable[bytes]) -> None:
        self._scripts = frozenset(scripts)
        self._unspent: dict[tuple[bytes, int], tuple[bytes, int]] = {}

    def apply(self, block: CBlock) -> None:
        """Blocks must come in chain order; within one, transactions in block order."""
        for tx in block.vtx:
            if not tx.is_coinbase():
                for txin in tx.vin:
                    self._unspent.pop((txin.prevout.hash, txin.prevout.n), None)
            txid = tx.GetTxid()
            for n, out in enumerate(tx.vout):
                script = bytes(out.scriptPubKey)
                if script in self._scripts:
                    self._unspent[(txid, n)] = (script, out.nValue)

    def balance(self, script: bytes) -> int:
        return sum(v for s, v in self._unspent.values() if s == script)

    def balances(self) -> dict[bytes, int]:
        totals = dict.fromkeys(self._scripts, 0)
        for script, value in self._unspent.values():
            totals[script] += value
        return totals
