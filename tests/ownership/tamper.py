"""One-byte changes of a proof's signature, message and address, for the tampering tests."""

import base64
from collections.abc import Iterator

from bitcoin.base58 import CBase58Data

from chains.bitcoin import segwit as bech32
from chains.bitcoin.addresses import Address, Kind
from tests.ownership.vectors import EXCHANGE, SNAPSHOT_ID
from verifier.models.check import Status
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.message import OwnershipMessage
from verifier.ownership.verify import Binding, verify_proof

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_HEX = "0123456789abcdef"


def signature_bytes(signature: str) -> tuple[str, bytes, bool]:
    """(prefix, raw bytes, hex?) of a Bitcoin (base64) or Ethereum (hex) signature."""
    if signature.startswith("0x"):
        return "0x", bytes.fromhex(signature[2:]), True
    prefix = signature[:3] if signature[:3] in ("smp", "ful") else ""
    return prefix, base64.b64decode(signature[len(prefix) :]), False


def with_bytes(prefix: str, raw: bytes, is_hex: bool) -> str:
    return prefix + (raw.hex() if is_hex else base64.b64encode(raw).decode())


def signatures(signature: str) -> Iterator[tuple[int, str]]:
    """(position, signature with that byte's lowest bit flipped), for every byte."""
    prefix, raw, is_hex = signature_bytes(signature)
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        yield i, with_bytes(prefix, bytes(changed), is_hex)


def assert_every_signature_byte_fails(proof: OwnershipClaim, binding: Binding) -> None:
    """Each one-bit change of each signature byte makes the proof fail."""
    for i, sig in signatures(proof.signature):
        changed = proof.model_copy(update={"signature": sig})
        assert verify_proof(changed, binding).status is Status.FAIL, f"byte {i} still verifies"


def at_address(proof: OwnershipClaim, address: str) -> OwnershipClaim:
    """The proof claimed for another address of a mainnet-only chain, its message
    naming that address too, so that only the signature can tell."""
    message = OwnershipMessage(EXCHANGE, SNAPSHOT_ID, proof.chain, "mainnet", address).text()
    return proof.model_copy(update={"address": address, "message": message})


def replace_byte(signature: str, position: int, value: int) -> str:
    prefix, raw, is_hex = signature_bytes(signature)
    changed = bytearray(raw)
    changed[position % len(raw)] = value
    return with_bytes(prefix, bytes(changed), is_hex)


def messages(message: str) -> Iterator[tuple[int, str]]:
    for i, c in enumerate(message):
        yield i, message[:i] + chr(ord(c) ^ 0x01) + message[i + 1 :]


def _next_in(alphabet: str, c: str) -> str:
    lower = c.lower() if alphabet is not _BASE58 else c
    if lower not in alphabet:
        return chr(ord(c) ^ 0x01)
    return alphabet[(alphabet.index(lower) + 1) % len(alphabet)]


def address_texts(address: str) -> Iterator[tuple[int, str]]:
    """Every character replaced by the next one of the address's own alphabet."""
    if address.startswith("0x"):
        alphabet, start = _HEX, 2
    elif address[:2].lower() in ("bc", "tb"):
        alphabet, start = bech32.CHARSET, address.index("1") + 1
    else:
        alphabet, start = _BASE58, 0
    for i in range(start, len(address)):
        yield i, address[:i] + _next_in(alphabet, address[i]) + address[i + 1 :]


def address_programs(address: Address, hrp_or_version: str | int) -> Iterator[str]:
    """Valid addresses (checksums right) whose hash or program differs in one byte."""
    for i in range(len(address.program)):
        program = bytearray(address.program)
        program[i] ^= 0x01
        if address.kind in (Kind.P2PKH, Kind.P2SH):
            assert isinstance(hrp_or_version, int)
            yield str(CBase58Data.from_bytes(bytes(program), hrp_or_version))
        else:
            assert isinstance(hrp_or_version, str)
            yield bech32.encode(hrp_or_version, address.witness_version or 0, bytes(program))
