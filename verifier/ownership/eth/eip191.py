"""EIP-191 personal_sign signatures of externally owned accounts, recovered with
libsecp256k1.

Two hashes are tried: the standard personal_sign of the message, and the
variant that personal_signs the 32-byte keccak of the message, which OKX's
published address lists use. A third, HTX's, signs keccak256(message) bare, with
no prefix: it is tried only where legacy messages are allowed and is marked
weaker, because a signature over a bare 32-byte hash could as well be a
transaction's signature that someone passes off as a message's.
"""

from collections.abc import Iterable, Iterator

from coincurve import PublicKey

from verifier.i18n import N_
from verifier.ownership.hashes import keccak256
from verifier.ownership.outcome import Rejected, Verified

_PREFIX = b"\x19Ethereum Signed Message:\n"
SCHEMES = ("EIP-191 personal_sign", "EIP-191 personal_sign of keccak256(message)")
RAW_SCHEME = "raw keccak256(message), no EIP-191 prefix"
RAW_WARNING = (
    "weaker: signed bare keccak256(message) with no EIP-191 prefix, "
    "so the same signature could be over a transaction hash"
)


def personal_hash(message: bytes) -> bytes:
    return keccak256(_PREFIX + str(len(message)).encode() + message)


def digests(message: bytes, keccak_first: bool = False) -> Iterator[tuple[str, bytes]]:
    """Each scheme's digest, computed only when the one before did not match."""
    plain = (SCHEMES[0], lambda: personal_hash(message))
    hashed = (SCHEMES[1], lambda: personal_hash(keccak256(message)))
    for scheme, digest in (hashed, plain) if keccak_first else (plain, hashed):
        yield scheme, digest()


def parse_signature(text: str) -> bytes:
    body = text[2:] if text[:2] in ("0x", "0X") else text
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise Rejected(N_("signature is not hex")) from None
    return raw


def recover(digest: bytes, sig: bytes) -> bytes | None:
    """The 20-byte address that signed `digest`, or None if no key recovers."""
    v = sig[64]
    recid = v - 27 if v >= 27 else v
    if recid not in (0, 1):
        return None
    try:
        key = PublicKey.from_signature_and_message(sig[:64] + bytes([recid]), digest, hasher=None)
    except ValueError:
        return None
    return keccak256(key.format(compressed=False)[1:])[12:]


def check_shape(sig: bytes) -> None:
    """A recoverable secp256k1 signature: r, s and v, the shape Ethereum and TRON share."""
    if len(sig) != 65:
        raise Rejected(
            N_("an EOA signature is 65 bytes, this one is {length}").format(length=len(sig))
        )
    if sig[64] not in (0, 1, 27, 28):
        raise Rejected(N_("signature's v byte {v} is not 27/28 (or 0/1)").format(v=sig[64]))


def verify(
    address: bytes,
    message: bytes,
    sig: bytes,
    keccak_first: bool = False,
    *,
    raw_keccak: bool = False,
) -> Verified:
    """`raw_keccak` also accepts HTX's unprefixed hash, as a weaker proof (see above)."""
    check_shape(sig)
    scheme = matching_scheme(address, sig, digests(message, keccak_first))
    if scheme is not None:
        return Verified(scheme)
    if raw_keccak and recover(keccak256(message), sig) == address:
        return Verified(RAW_SCHEME, evidence={"weaker": RAW_WARNING})
    raise Rejected(N_("signature recovers another address (wrong message, signature or address)"))


def matching_scheme(
    address: bytes, sig: bytes, candidates: Iterable[tuple[str, bytes]]
) -> str | None:
    """The first scheme whose digest `sig` recovers `address` from; shared with TRON,
    whose keys and addresses are Ethereum's under other message prefixes."""
    for scheme, digest in candidates:
        if recover(digest, sig) == address:
            return scheme
    return None


def check_public_key(address: bytes, public_key: bytes) -> None:
    """A published key must be the address's own key."""
    try:
        full = PublicKey(public_key).format(compressed=False)
    except ValueError:
        raise Rejected(N_("published public_key is not a secp256k1 public key")) from None
    if keccak256(full[1:])[12:] != address:
        raise Rejected(N_("published public_key is not the key of this address"))
