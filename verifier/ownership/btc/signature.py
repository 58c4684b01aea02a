"""One entry point for a Bitcoin ownership signature: tells BIP-137 from BIP-322
simple and full (with or without the `smp`/`ful` prefixes) and checks it against
the published script and public key, if any."""

import base64
import binascii

from bitcoin.core.script import CScript, CScriptInvalidError
from coincurve import PublicKeyXOnly

from chains.bitcoin.addresses import Address, Kind
from verifier.i18n import N_
from verifier.ownership.btc import bip137, bip322
from verifier.ownership.hashes import hash160, sha256, tagged_hash
from verifier.ownership.outcome import Rejected, Undecided, Verified


def verify(
    address: Address,
    message: str,
    signature: str,
    script: bytes | None = None,
    public_key: bytes | None = None,
) -> Verified:
    msg = message.encode()
    if address.kind is Kind.WITNESS_UNKNOWN:
        # Consensus lets anyone spend a witness version without rules yet, so a
        # "valid" spend of it proves nothing about who controls it (BIP-322 says
        # such a check is inconclusive).
        raise Undecided(
            N_("witness version {witness_version} has no rules yet: anyone can sign for it").format(
                witness_version=address.witness_version
            )
        )
    if script is not None:
        _check_script_commitment(address, script)
    sig = signature.strip()
    prefix = sig[:3] if sig[:3] in ("smp", "ful") else ""
    encoded = sig[len(prefix) :]
    raw = _base64(encoded)
    if not prefix and bip137.is_bip137(raw):
        return bip137.verify(address, msg, raw, public_key)
    if prefix != "ful":
        if script is None and public_key is None:
            fast = bip322.verify_simple_fast(address, msg, encoded)
            if fast is not None:
                return fast
        witness = bip322.parse_witness(raw)
        if witness is not None:
            _check_published(witness, script, public_key, address)
            return bip322.verify_simple(address, msg, witness)
        if prefix == "smp":
            raise Rejected(N_("signature after 'smp' is not a BIP-322 witness stack"))
    tx = bip322.parse_transaction(raw)
    if tx is None:
        raise Rejected(
            N_("signature after 'ful' is not a BIP-322 to_sign transaction")
            if prefix
            else N_(
                "signature ({length} bytes) is neither BIP-137 nor a BIP-322 simple or full one"
            ).format(length=len(raw))
        )
    _check_published(bip322.witness_of(tx), script, public_key, address)
    return bip322.verify_full(address, msg, tx)


def _base64(text: str) -> bytes:
    if not text:
        raise Rejected(N_("signature is empty"))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Rejected(N_("signature is not valid base64")) from None


def _check_script_commitment(address: Address, script: bytes) -> None:
    """The published script must be the one the address commits to."""
    if address.kind is Kind.P2WSH:
        ok = sha256(script) == address.program
    elif address.kind is Kind.P2SH:
        ok = address.program in (hash160(script), hash160(b"\x00\x20" + sha256(script)))
    else:
        raise Rejected(
            N_("a script was published but a {kind} address has none").format(kind=address.kind)
        )
    if not ok:
        raise Rejected(N_("published script does not hash to the address"))


def _check_published(
    witness: list[bytes], script: bytes | None, public_key: bytes | None, address: Address
) -> None:
    """What was published beside the signature must be what the signature used."""
    if script is not None and (not witness or witness[-1] != script):
        raise Rejected(N_("the signature's witness script is not the published script"))
    if public_key is None:
        return
    keys = set(witness)
    if witness:
        keys |= _pushes(witness[-1])
    # A taproot key may be published x-only (32 bytes) or compressed (33 bytes),
    # as the output key or as a BIP-86 internal key (key path only).
    forms = {public_key, public_key[1:]} if len(public_key) == 33 else {public_key}
    if address.kind is Kind.P2TR:
        keys.add(address.program)
        forms |= {_bip86_output_key(f) for f in forms if len(f) == 32}
    if not forms & keys:
        raise Rejected(N_("published public_key is not among the keys the signature used"))


def _bip86_output_key(internal: bytes) -> bytes:
    try:
        key = PublicKeyXOnly(internal)
        key.tweak_add(tagged_hash("TapTweak", internal))
    except ValueError:
        return b""
    return key.format()


def _pushes(script: bytes) -> set[bytes]:
    try:
        return {op for op in CScript(script) if isinstance(op, bytes)}
    except CScriptInvalidError:
        return set()
