"""The ledger against a naive full UTXO set, on generated chains of transactions."""

from dataclasses import dataclass

from bitcoin.core import CBlock, CMutableTransaction, CMutableTxIn, CMutableTxOut, COutPoint
from bitcoin.core.script import CScript
from hypothesis import given
from hypothesis import strategies as st

from chains.bitcoin.ledger import Ledger

SCRIPTS = [bytes([0x51 + i]) for i in range(6)]  # OP_1..OP_6: six distinct scripts
WATCHED = SCRIPTS[:3]


@dataclass(frozen=True)
class Step:
    """One transaction: spend some existing coins (by index), pay some scripts."""

    spend: tuple[int, ...]
    pay: tuple[tuple[int, int], ...]  # (script index, satoshis)
    new_block: bool  # start a new block before this transaction


steps = st.lists(
    st.builds(
        Step,
        st.lists(st.integers(0, 10**6), max_size=3).map(tuple),
        st.lists(st.tuples(st.integers(0, 5), st.integers(0, 21 * 10**14)), min_size=1, max_size=4)
        .map(tuple),
        st.booleans(),
    ),
    max_size=40,
)  # fmt: skip


def chain_of(plan: list[Step]) -> tuple[list[CBlock], dict[COutPoint, tuple[bytes, int]]]:
    """Blocks of transactions following `plan`, and the true unspent set after them."""
    unspent: dict[COutPoint, tuple[bytes, int]] = {}
    blocks: list[list[CMutableTransaction]] = [[]]
    coinbase = CMutableTransaction([CMutableTxIn()], [CMutableTxOut(0, CScript(b"\x00"))])
    blocks[0].append(coinbase)
    for n, step in enumerate(plan):
        if step.new_block and blocks[-1]:
            blocks.append([])
        coins = sorted(unspent, key=lambda o: (o.hash, o.n))
        spent = {coins[i % len(coins)] for i in step.spend} if coins else set()
        # nLockTime makes every transaction distinct even with equal inputs and outputs.
        tx = CMutableTransaction(
            [CMutableTxIn(o) for o in sorted(spent, key=lambda o: (o.hash, o.n))]
            or [CMutableTxIn(COutPoint(b"\x01" * 32, n))],
            [CMutableTxOut(v, CScript(SCRIPTS[s])) for s, v in step.pay],
            nLockTime=n,
        )
        for o in spent:
            del unspent[o]
        txid = tx.GetTxid()
        for i, out in enumerate(tx.vout):
            unspent[COutPoint(txid, i)] = (bytes(out.scriptPubKey), out.nValue)
        blocks[-1].append(tx)
    return [_block(txs) for txs in blocks], unspent


def _block(txs: list[CMutableTransaction]) -> CBlock:
    block = CBlock(vtx=txs)
    return CBlock(hashMerkleRoot=block.calc_merkle_root(), vtx=txs)


@given(steps)
def test_ledger_matches_the_full_unspent_set(plan: list[Step]) -> None:
    blocks, unspent = chain_of(plan)
    ledger = Ledger(WATCHED)
    for block in blocks:
        ledger.apply(block)
    for script in WATCHED:
        expected = sum(v for s, v in unspent.values() if s == script)
        assert ledger.balance(script) == expected
        assert ledger.balances()[script] == expected
    assert set(ledger.balances()) == set(WATCHED)


@given(steps, st.integers(0, 40))
def test_blocks_before_the_first_payment_do_not_matter(plan: list[Step], cut: int) -> None:
    """Reading from any height at or before the scripts' first payment gives the same."""
    blocks, _ = chain_of(plan)
    first_use = next(
        (i for i, b in enumerate(blocks) for tx in b.vtx for o in tx.vout
         if bytes(o.scriptPubKey) in WATCHED),
        len(blocks),
    )  # fmt: skip
    start = min(cut, first_use)
    full, partial = Ledger(WATCHED), Ledger(WATCHED)
    for i, block in enumerate(blocks):
        full.apply(block)
        if i >= start:
            partial.apply(block)
    assert partial.balances() == full.balances()
