"""Sign ownership proofs with DEMO KEYS, to make the suite's own Bitcoin vectors.

The keys below are DEMO KEYS derived from public text: anyone can spend from
their addresses, so never fund them. Signing lives in the tests only; the
verifier never signs.
"""

import base64
from dataclasses import dataclass

from bitcoin.base58 import CBase58Data
from bitcoin.core import CTransaction
from bitcoin.core.script import (
    OP_2,
    OP_3,
    OP_CHECKLOCKTIMEVERIFY,
    OP_CHECKMULTISIG,
    OP_CHECKSIG,
    OP_DROP,
    SIGHASH_ALL,
    SIGVERSION_WITNESS_V0,
    CScript,
    CScriptWitness,
    SignatureHash,
)
from coincurve import PrivateKey

from chains.bitcoin import segwit as bech32
from verifier.ownership.btc import bip137, bip322
from verifier.ownership.hashes import hash160, sha256, tagged_hash

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def demo_key(n: int) -> PrivateKey:
    """DEMO KEY number n: public, never fund its addresses."""
    return PrivateKey(sha256(f"por-verifier DEMO KEY {n}: public, never fund it".encode()))


@dataclass(frozen=True)
class Net:
    name: str
    p2pkh: int
    p2sh: int
    hrp: str


MAINNET = Net("mainnet", 0x00, 0x05, "bc")
REGTEST = Net("regtest", 0x6F, 0xC4, "bcrt")


def p2pkh(net: Net, key_hash: bytes) -> str:
    return str(CBase58Data.from_bytes(key_hash, net.p2pkh))


def p2sh(net: Net, script: bytes) -> str:
    return str(CBase58Data.from_bytes(hash160(script), net.p2sh))


def segwit(net: Net, version: int, program: bytes) -> str:
    return bech32.encode(net.hrp, version, program)


def pub(key: PrivateKey, compressed: bool = True) -> bytes:
    return key.public_key.format(compressed=compressed)


# --- BIP-137 ---------------------------------------------------------------

HEADER_BASE = {"p2pkh-uncompressed": 27, "p2pkh": 31, "p2sh-p2wpkh": 35, "p2wpkh": 39}


def sign_bip137(key: PrivateKey, message: str, header_base: int) -> str:
    sig = key.sign_recoverable(bip137.message_hash(message.encode()), hasher=None)
    return base64.b64encode(bytes([header_base + sig[64]]) + sig[:64]).decode()


# --- BIP-322 ---------------------------------------------------------------


def multisig_2of3(keys: list[PrivateKey]) -> bytes:
    return bytes(CScript([OP_2, *(pub(k) for k in keys), OP_3, OP_CHECKMULTISIG]))


def timelock_script(key: PrivateKey, locktime: int) -> bytes:
    """Spendable by `key` only from block `locktime` on: a vault-style cold wallet."""
    return bytes(CScript([locktime, OP_CHECKLOCKTIMEVERIFY, OP_DROP, pub(key), OP_CHECKSIG]))


def _v0_sig(key: PrivateKey, script_code: bytes, tx: CTransaction) -> bytes:
    digest = SignatureHash(CScript(script_code), tx, 0, SIGHASH_ALL, 0, SIGVERSION_WITNESS_V0)
    return key.sign(digest, hasher=None) + bytes([SIGHASH_ALL])


def _p2pkh_code(key: PrivateKey) -> bytes:
    return b"\x76\xa9\x14" + hash160(pub(key)) + b"\x88\xac"


def encode(tx_or_witness: CTransaction | list[bytes], prefix: str) -> str:
    if isinstance(tx_or_witness, CTransaction):
        raw = tx_or_witness.serialize()
    else:
        raw = CScriptWitness(tuple(tx_or_witness)).serialize()
    return prefix + base64.b64encode(raw).decode()


def sign_p2wpkh(key: PrivateKey, spk: bytes, message: str) -> list[bytes]:
    spend = bip322.to_spend(spk, message.encode())
    unsigned = bip322.to_sign(spend, [])
    return [_v0_sig(key, _p2pkh_code(key), unsigned), pub(key)]


def sign_p2wsh(
    keys: list[PrivateKey],
    witness_script: bytes,
    spk: bytes,
    message: str,
    *,
    multisig: bool,
    locktime: int = 0,
    sequence: int = 0,
) -> CTransaction:
    spend = bip322.to_spend(spk, message.encode())
    unsigned = bip322.to_sign(spend, [], locktime=locktime, sequence=sequence)
    sigs = [_v0_sig(k, witness_script, unsigned) for k in keys]
    stack = [b"", *sigs] if multisig else sigs
    return bip322.to_sign(spend, [*stack, witness_script], locktime=locktime, sequence=sequence)


def sign_p2sh_p2wpkh_full(key: PrivateKey, spk: bytes, message: str) -> CTransaction:
    redeem = b"\x00\x14" + hash160(pub(key))
    spend = bip322.to_spend(spk, message.encode())
    unsigned = bip322.to_sign(spend, [])
    witness = [_v0_sig(key, _p2pkh_code(key), unsigned), pub(key)]
    return bip322.to_sign(spend, witness, script_sig=bytes(CScript([redeem])))


def sign_p2pkh_full(key: PrivateKey, spk: bytes, message: str) -> CTransaction:
    spend = bip322.to_spend(spk, message.encode())
    unsigned = bip322.to_sign(spend, [])
    digest = SignatureHash(CScript(spk), unsigned, 0, SIGHASH_ALL)
    sig = key.sign(digest, hasher=None) + bytes([SIGHASH_ALL])
    return bip322.to_sign(spend, [], script_sig=bytes(CScript([sig, pub(key)])))


# --- taproot (key path) ------------------------------------------------------


def taproot_output(key: PrivateKey) -> tuple[bytes, int]:
    """(x-only output key, tweaked secret) for a key-path-only taproot output (BIP-86)."""
    d = key.to_int()
    internal = pub(key)
    if internal[0] == 3:
        d = SECP256K1_N - d
    t = int.from_bytes(tagged_hash("TapTweak", internal[1:]), "big")
    tweaked = PrivateKey.from_int((d + t) % SECP256K1_N)
    return pub(tweaked)[1:], tweaked.to_int()


def _taproot_sighash(tx: CTransaction, spk: bytes) -> bytes:
    """BIP-341 SIGHASH_DEFAULT for input 0 of a one-input transaction spending 0 sat.

    python-bitcoinlib 0.12 has no taproot sighash; this test-only copy of the
    BIP-341 algorithm is checked by libbitcoinkernel accepting what it signs.
    """
    txin = tx.vin[0]
    outputs = b"".join(o.serialize() for o in tx.vout)
    msg = (
        b"\x00\x00"
        + tx.nVersion.to_bytes(4, "little", signed=True)
        + tx.nLockTime.to_bytes(4, "little")
        + sha256(txin.prevout.serialize())
        + sha256((0).to_bytes(8, "little"))
        + sha256(bip137.compact_size(len(spk)) + spk)
        + sha256(txin.nSequence.to_bytes(4, "little"))
        + sha256(outputs)
        + b"\x00"
        + (0).to_bytes(4, "little")
    )
    return tagged_hash("TapSighash", msg)


def sign_p2tr(key: PrivateKey, message: str) -> tuple[bytes, CTransaction]:
    """(output key, signed to_sign) for the taproot address of `key`."""
    output_key, secret = taproot_output(key)
    spk = b"\x51\x20" + output_key
    spend = bip322.to_spend(spk, message.encode())
    unsigned = bip322.to_sign(spend, [])
    sig = PrivateKey.from_int(secret).sign_schnorr(_taproot_sighash(unsigned, spk), b"\x00" * 32)
    return output_key, bip322.to_sign(spend, [sig])
