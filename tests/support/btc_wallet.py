"""A tiny regtest wallet for the tests: demo keys of every output type, a faucet
fed by coinbases, and signed spends built with python-bitcoinlib.

DEMO KEYS ONLY: every secret is sha256 of a public label, so anyone can spend
them. They exist to put real, signed transactions into bcoin regtest blocks.
"""

import hashlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import pytest
from bitcoin.base58 import CBase58Data
from bitcoin.core import (
    CBlock,
    CMutableTransaction,
    CMutableTxIn,
    CMutableTxOut,
    COutPoint,
    CTxInWitness,
    CTxWitness,
    Hash160,
    b2lx,
    lx,
)
from bitcoin.core.script import (
    OP_0,
    OP_1,
    OP_CHECKSIG,
    OP_DUP,
    OP_EQUAL,
    OP_EQUALVERIFY,
    OP_HASH160,
    SIGHASH_ALL,
    SIGVERSION_BASE,
    SIGVERSION_WITNESS_V0,
    CScript,
    CScriptWitness,
    SignatureHash,
)
from coincurve import PrivateKey, PublicKeyXOnly

from chains.bitcoin import segwit
from chains.bitcoin.networks import NETWORKS
from tests.support.bcoin import SEGWIT_ACTIVE_HEIGHT, Bcoin

REGTEST = NETWORKS["regtest"]
DEMO_LABEL = "por-verifier DEMO key, regtest only, publicly known: "
FEE = 20_000  # sat per transaction; well above bcoin's 1 sat/vB relay floor for these sizes
COINBASE_MATURITY = 100


class Kind(StrEnum):
    P2PK = "p2pk"
    P2PKH = "p2pkh"
    P2SH = "p2sh"  # P2SH-wrapped P2WPKH, the common P2SH wallet output
    P2WPKH = "p2wpkh"
    P2WSH = "p2wsh"  # a 1-key CHECKSIG witness script
    P2TR = "p2tr"  # key-path output key (BIP341 tweak of the demo key)


def _tagged_hash(tag: str, data: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + data).digest()


@dataclass(frozen=True)
class DemoKey:
    label: str
    kind: Kind

    @cached_property
    def private(self) -> PrivateKey:
        return PrivateKey(hashlib.sha256((DEMO_LABEL + self.label).encode()).digest())

    @cached_property
    def pub(self) -> bytes:
        return bytes(self.private.public_key.format(compressed=True))

    @cached_property
    def witness_script(self) -> CScript:
        return CScript([self.pub, OP_CHECKSIG])

    @cached_property
    def script_pubkey(self) -> bytes:
        h = Hash160(self.pub)
        match self.kind:
            case Kind.P2PK:
                s = CScript([self.pub, OP_CHECKSIG])
            case Kind.P2PKH:
                s = CScript([OP_DUP, OP_HASH160, h, OP_EQUALVERIFY, OP_CHECKSIG])
            case Kind.P2SH:
                s = CScript([OP_HASH160, Hash160(CScript([OP_0, h])), OP_EQUAL])
            case Kind.P2WPKH:
                s = CScript([OP_0, h])
            case Kind.P2WSH:
                s = CScript([OP_0, hashlib.sha256(self.witness_script).digest()])
            case Kind.P2TR:
                internal = PublicKeyXOnly.from_secret(self.private.secret)
                internal.tweak_add(_tagged_hash("TapTweak", internal.format()))
                s = CScript([OP_1, internal.format()])
        return bytes(s)

    @cached_property
    def address(self) -> str:
        """The regtest address; `pk(HEX)` for P2PK, which has none."""
        spk = self.script_pubkey
        match self.kind:
            case Kind.P2PK:
                return f"pk({self.pub.hex()})"
            case Kind.P2PKH:
                return str(CBase58Data.from_bytes(spk[3:23], REGTEST.pubkey_prefix))
            case Kind.P2SH:
                return str(CBase58Data.from_bytes(spk[2:22], REGTEST.script_prefix))
            case Kind.P2WPKH | Kind.P2WSH:
                return segwit.encode(REGTEST.hrp, 0, spk[2:])
            case Kind.P2TR:
                return segwit.encode(REGTEST.hrp, 1, spk[2:])

    def sign(self, tx: CMutableTransaction, i: int, value: int) -> CTxInWitness:
        """Fill input `i`'s scriptSig and return its witness."""
        p2pkh_code = CScript([OP_DUP, OP_HASH160, Hash160(self.pub), OP_EQUALVERIFY, OP_CHECKSIG])
        match self.kind:
            case Kind.P2PK:
                tx.vin[i].scriptSig = CScript([self._sig(self.witness_script, tx, i, 0, False)])
                return CTxInWitness()
            case Kind.P2PKH:
                sig = self._sig(p2pkh_code, tx, i, 0, False)
                tx.vin[i].scriptSig = CScript([sig, self.pub])
                return CTxInWitness()
            case Kind.P2SH:
                tx.vin[i].scriptSig = CScript([CScript([OP_0, Hash160(self.pub)])])
                sig = self._sig(p2pkh_code, tx, i, value, True)
                return CTxInWitness(CScriptWitness([sig, self.pub]))
            case Kind.P2WPKH:
                sig = self._sig(p2pkh_code, tx, i, value, True)
                return CTxInWitness(CScriptWitness([sig, self.pub]))
            case Kind.P2WSH:
                sig = self._sig(self.witness_script, tx, i, value, True)
                return CTxInWitness(CScriptWitness([sig, self.witness_script]))
            case Kind.P2TR:
                # bcoin 1.0.2 predates taproot and does not check witness v1
                # spends, and python-bitcoinlib has no BIP341 sighash: the
                # witness is a signature-sized placeholder, not a signature.
                return CTxInWitness(CScriptWitness([bytes(64)]))

    def _sig(self, code: CScript, tx: CMutableTransaction, i: int, value: int, wit: bool) -> bytes:
        version = SIGVERSION_WITNESS_V0 if wit else SIGVERSION_BASE
        digest = SignatureHash(code, tx, i, SIGHASH_ALL, amount=value, sigversion=version)
        return bytes(self.private.sign(digest, hasher=None)) + bytes([SIGHASH_ALL])


@dataclass(frozen=True)
class Coin:
    txid: str
    vout: int
    value: int
    owner: DemoKey


def build(coins: Sequence[Coin], outputs: Sequence[tuple[bytes, int]]) -> CMutableTransaction:
    """A signed transaction spending `coins` to `outputs` (script, sat)."""
    tx = CMutableTransaction(
        [CMutableTxIn(COutPoint(lx(c.txid), c.vout)) for c in coins],
        [CMutableTxOut(v, CScript(s)) for s, v in outputs],
        nVersion=2,
    )
    witnesses = [c.owner.sign(tx, i, c.value) for i, c in enumerate(coins)]
    tx.wit = CTxWitness(witnesses)
    return tx


def parse_block(node: Bcoin, block_hash: str) -> CBlock:
    return CBlock.deserialize(bytes.fromhex(node.rpc("getblock", block_hash, False)))


@dataclass
class Faucet:
    """Coinbase coins of one demo key, handed out one per payment."""

    node: Bcoin
    key: DemoKey = field(default_factory=lambda: DemoKey("faucet", Kind.P2WPKH))
    coins: list[Coin] = field(default_factory=list)

    def fill(self) -> None:
        """Mine past segwit activation; keep every coinbase that is mature by then."""
        hashes = self.node.mine(SEGWIT_ACTIVE_HEIGHT + 1, self.key.address)
        for h in hashes[: len(hashes) - COINBASE_MATURITY]:
            cb = parse_block(self.node, h).vtx[0]
            self.coins.append(Coin(b2lx(cb.GetTxid()), 0, cb.vout[0].nValue, self.key))

    def pay(self, outputs: Sequence[tuple[DemoKey, int]]) -> list[Coin]:
        """Send to demo keys from one faucet coin; the new coins, in output order."""
        coin = self.coins.pop(0)
        change = coin.value - sum(v for _, v in outputs) - FEE
        if change < 0:
            raise ValueError("a faucet coin is too small for this payment")
        pays = [(k.script_pubkey, v) for k, v in outputs]
        txid = send(self.node, [coin], [*pays, (self.key.script_pubkey, change)])
        self.coins.append(Coin(txid, len(outputs), change, self.key))
        return [Coin(txid, i, v, k) for i, (k, v) in enumerate(outputs)]


def send(node: Bcoin, coins: Sequence[Coin], outputs: Sequence[tuple[bytes, int]]) -> str:
    """Sign and broadcast; the txid, once bcoin's mempool holds the transaction.

    bcoin's sendrawtransaction answers before its mempool has judged the
    transaction (and drops a rejection), so acceptance is waited for here.
    """
    tx = build(coins, outputs)
    txid = node.rpc("sendrawtransaction", tx.serialize().hex())
    assert txid == b2lx(tx.GetTxid())
    deadline = time.monotonic() + 10
    while txid not in node.rpc("getrawmempool"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"bcoin refused {txid}; its stderr says why")
        time.sleep(0.02)
    return str(txid)


@pytest.fixture(scope="session")
def faucet(bcoin: Bcoin) -> Iterator[Faucet]:
    """The session's bcoin with segwit active and a few hundred mature coinbases."""
    f = Faucet(bcoin)
    f.fill()
    yield f
