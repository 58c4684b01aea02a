"""BIP-322 generic signed messages, simple and full, checked by Bitcoin Core's own
script interpreter (libbitcoinkernel through py-bitcoinkernel).

The message is bound by a virtual `to_spend` transaction paying to the
address's script; the signature is the witness (simple) or the whole virtual
`to_sign` transaction (full) that spends it. Whether that spend is valid is
decided by the consensus code with every rule on (P2SH, segwit v0, taproot,
CLTV/CSV, NULLDUMMY, DER), so any script a cold wallet uses is covered. For
simple signatures on single-key addresses the `bip322` package (rust-bitcoin)
is tried first because it is faster; a "no" from it is not trusted as final:
the kernel then decides and says why.
"""

import ctypes

import bip322 as bip322_fast
from bitcoin.core import (
    COutPoint,
    CTransaction,
    CTxIn,
    CTxInWitness,
    CTxOut,
    CTxWitness,
)
from bitcoin.core.script import (
    OP_CHECKLOCKTIMEVERIFY,
    OP_CHECKMULTISIG,
    OP_CHECKSEQUENCEVERIFY,
    CScript,
    CScriptInvalidError,
    CScriptWitness,
)
from bitcoin.core.serialize import SerializationError
from pbk import ScriptPubkey, ScriptVerificationFlags, Transaction, TransactionOutput
from pbk.capi import KernelOpaquePtr
from pbk.script import PrecomputedTransactionData, ScriptVerifyException

from chains.bitcoin.addresses import Address, Kind
from verifier.i18n import N_
from verifier.ownership.hashes import tagged_hash
from verifier.ownership.outcome import Rejected, Undecided, Verified

_TAG = "BIP0322-signed-message"
_OP_RETURN = b"\x6a"
_FLAGS = ScriptVerificationFlags.ALL
_FAST_KINDS = (Kind.P2WPKH, Kind.P2TR)


def message_hash(message: bytes) -> bytes:
    return tagged_hash(_TAG, message)


def to_spend(script_pubkey: bytes, message: bytes) -> CTransaction:
    txin = CTxIn(
        COutPoint(b"\x00" * 32, 0xFFFFFFFF),
        CScript(b"\x00\x20" + message_hash(message)),
        0,
    )
    return CTransaction([txin], [CTxOut(0, CScript(script_pubkey))], 0, 0)


def to_sign(
    spend: CTransaction,
    witness: list[bytes],
    *,
    script_sig: bytes = b"",
    version: int = 0,
    locktime: int = 0,
    sequence: int = 0,
) -> CTransaction:
    """The virtual spend; simple signatures use the defaults, full ones may set the rest
    (a time-locked script needs its lock time and sequence)."""
    txin = CTxIn(COutPoint(spend.GetTxid(), 0), CScript(script_sig), sequence)
    wit = CTxWitness([CTxInWitness(CScriptWitness(tuple(witness)))])
    return CTransaction([txin], [CTxOut(0, CScript(_OP_RETURN))], locktime, version, wit)


def parse_witness(raw: bytes) -> list[bytes] | None:
    """The witness stack if `raw` is exactly one serialised stack (a simple signature)."""
    try:
        return list(CScriptWitness.deserialize(raw).stack)
    except (SerializationError, ValueError):
        return None


def parse_transaction(raw: bytes) -> CTransaction | None:
    try:
        return CTransaction.deserialize(raw)
    except (SerializationError, ValueError, IndexError):
        return None


def verify_simple_fast(address: Address, message: bytes, encoded: str) -> Verified | None:
    """Verified when the `bip322` package shows the signature valid; None leaves the
    decision (and the reason for a failure) to the kernel."""
    if address.kind not in _FAST_KINDS or not _fast_says_yes(address, message, encoded):
        return None
    return Verified("BIP-322 simple", f"{address.kind}", {"checked_by": "bip322"})


def verify_simple(address: Address, message: bytes, witness: list[bytes]) -> Verified:
    if address.witness_version is None:
        raise Rejected(
            N_(
                "a simple BIP-322 signature needs a segwit address, this is {kind}: sign it with BIP-137 or a full BIP-322 signature"
            ).format(kind=address.kind)
        )
    spend = to_spend(address.script_pubkey, message)
    _kernel_verify(address.script_pubkey, to_sign(spend, witness))
    return _verified("BIP-322 simple", address, witness)


def verify_full(address: Address, message: bytes, tx: CTransaction) -> Verified:
    spend = to_spend(address.script_pubkey, message)
    if not tx.vin or tx.vin[0].prevout != COutPoint(spend.GetTxid(), 0):
        raise Rejected(N_("full signature does not spend this message's to_spend transaction"))
    if len(tx.vout) != 1 or tx.vout[0].nValue != 0 or bytes(tx.vout[0].scriptPubKey) != _OP_RETURN:
        raise Rejected(N_("full signature's to_sign must have exactly one output: 0 to OP_RETURN"))
    if len(tx.vin) > 1:
        raise Undecided(
            N_(
                "full signature carries proof-of-funds inputs; their spent outputs are not known here"
            )
        )
    _kernel_verify(address.script_pubkey, tx)
    return _verified("BIP-322 full", address, witness_of(tx))


def _verified(scheme: str, address: Address, witness: list[bytes]) -> Verified:
    """Names the kind of script a script-hash address turned out to be, for the report."""
    evidence = {"checked_by": "libbitcoinkernel"}
    detail = str(address.kind)
    if address.kind in (Kind.P2WSH, Kind.P2SH) and witness:
        evidence["witness_script"] = witness[-1].hex()
        detail += f" ({describe_script(witness[-1])})"
    return Verified(scheme, detail, evidence)


def describe_script(script: bytes) -> str:
    try:
        ops = list(CScript(script))
    except CScriptInvalidError:
        return "unparsable script"
    # python-bitcoinlib yields OP_1..OP_16 as plain ints, other opcodes as CScriptOp.
    if (
        len(ops) >= 4
        and ops[-1] == OP_CHECKMULTISIG
        and type(ops[0]) is int
        and type(ops[-2]) is int
        and all(isinstance(op, bytes) for op in ops[1:-2])
    ):
        return f"{ops[0]}-of-{ops[-2]} multisig"
    if OP_CHECKLOCKTIMEVERIFY in ops or OP_CHECKSEQUENCEVERIFY in ops:
        return "time-locked script"
    return "script"


def witness_of(tx: CTransaction) -> list[bytes]:
    if tx.wit.is_null():
        return []
    return list(tx.wit.vtxinwit[0].scriptWitness.stack)


def _fast_says_yes(address: Address, message: bytes, encoded: str) -> bool:
    # bip322 0.3.0 returns None on success and raises on failure (its stub says
    # bool), so only an explicit False or an exception counts as "not shown".
    try:
        answer = bip322_fast.verify_simple_encoded(address.text, message.decode(), encoded)
    except (bip322_fast.VerificationError, UnicodeDecodeError):
        return False
    return answer is not False


class _Transaction(Transaction):
    """pbk's constructor copies the bytes into its ctypes array one int at a time,
    a tenth of a multisig check; `from_buffer_copy` makes the same copy in C and
    hands it on exactly as pbk's base class documents (arguments go to the C
    constructor unchanged)."""

    def __init__(self, data: bytes) -> None:
        buffer = (ctypes.c_ubyte * len(data)).from_buffer_copy(data)
        KernelOpaquePtr.__init__(self, buffer, len(data))


def _kernel_verify(script_pubkey: bytes, tx: CTransaction) -> None:
    spk = ScriptPubkey(script_pubkey)
    kernel_tx = _Transaction(tx.serialize())
    spent = [TransactionOutput(spk, 0)]
    try:
        ok = spk.verify(0, kernel_tx, PrecomputedTransactionData(kernel_tx, spent), 0, _FLAGS)
    except ScriptVerifyException as e:
        raise Undecided(N_("script interpreter refused to run: {e}").format(e=e)) from None
    if not ok:
        raise Rejected(N_("signature does not satisfy the address's script for this message"))
