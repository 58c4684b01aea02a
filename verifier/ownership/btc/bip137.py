"""BIP-137 signed messages ("Bitcoin Signed Message"), recovered with libsecp256k1.

The header byte says which key encoding and address type were signed for:
27-30 P2PKH with an uncompressed key, 31-34 P2PKH compressed, 35-38
P2SH-P2WPKH, 39-42 P2WPKH. Many wallets (Electrum, Trezor and others) sign
segwit addresses with the 31-34 header; that is accepted and said so.

Litecoin and Dogecoin wallets sign the same way under their own coin's message
magic ("Litecoin Signed Message:\n", ...): `coin` names it.
"""

from coincurve import PublicKey

from chains.bitcoin.addresses import Address, Kind
from verifier.i18n import N_
from verifier.ownership.hashes import hash160, sha256d
from verifier.ownership.outcome import Rejected, Verified

BITCOIN = "Bitcoin"
SIGNATURE_LENGTH = 65
_HEADER_KIND = {27: Kind.P2PKH, 31: Kind.P2PKH, 35: Kind.P2SH, 39: Kind.P2WPKH}
_HABIT = "segwit address signed with a P2PKH header (31-34), a common wallet habit"


def compact_size(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFFFFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def message_hash(message: bytes, coin: str = BITCOIN) -> bytes:
    magic = f"{coin} Signed Message:\n".encode()
    return sha256d(compact_size(len(magic)) + magic + compact_size(len(message)) + message)


def is_bip137(raw: bytes) -> bool:
    return len(raw) == SIGNATURE_LENGTH and 27 <= raw[0] <= 42


def recover(raw: bytes, message: bytes, coin: str = BITCOIN) -> bytes:
    """The signing key, serialised as the header says (compressed or not)."""
    header = raw[0]
    if not 27 <= header <= 42:
        raise Rejected(N_("BIP-137 header byte {header} is outside 27-42").format(header=header))
    try:
        key = PublicKey.from_signature_and_message(
            raw[1:] + bytes([(header - 27) & 3]), message_hash(message, coin), hasher=None
        )
    except ValueError:
        raise Rejected(N_("signature does not recover any public key")) from None
    return key.format(compressed=header >= 31)


def verify(
    address: Address,
    message: bytes,
    raw: bytes,
    public_key: bytes | None,
    coin: str = BITCOIN,
) -> Verified:
    key = recover(raw, message, coin)
    header_kind = _HEADER_KIND[27 + (raw[0] - 27) // 4 * 4]
    key_hash = hash160(key)
    detail = ""
    if header_kind is Kind.P2PKH and raw[0] >= 31 and address.kind in (Kind.P2WPKH, Kind.P2SH):
        header_kind = address.kind
        detail = _HABIT
    if header_kind is not address.kind:
        raise Rejected(
            N_("header {byte} signs for a {header_kind} address, this is a {kind} address").format(
                byte=raw[0], header_kind=header_kind, kind=address.kind
            )
        )
    committed = hash160(b"\x00\x14" + key_hash) if address.kind is Kind.P2SH else key_hash
    if committed != address.program:
        raise Rejected(N_("signature recovers a key that does not own this address"))
    if public_key is not None and public_key != key:
        raise Rejected(N_("signature was made by another key than the published public_key"))
    scheme = "BIP-137" if coin == BITCOIN else f"BIP-137 ({coin} message magic)"
    return Verified(scheme, detail, {"public_key": key.hex()})
