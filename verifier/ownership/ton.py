"""TON ownership signatures: ed25519 by the wallet's key, the key published beside
the row and tied to the address by deriving the address from it.

A TON address is a workchain and the hash of the wallet contract's StateInit: its
code (one per wallet version) and its initial data, which holds the public key
and a wallet id. So a key has one address per wallet version and id, and the
address names no key: the row must publish it (ed25519 recovers none), and it is
accepted only when one of the standard wallets built from it is the row's
address. The standard wallets tried are v3R2 and v4R2 (the default wallet id
698983191 plus the workchain), v5R1 (its mainnet wallet id for subwallet 0) and
Highload v3 with the wallet id 4269 and the 12-hour timeout that OKX's own
verifier (okx/proof-of-reserves, common/verify.go) derives for OKX's hot wallets.
A wallet of another version or id cannot be matched, and the row says so.

Two message signings are tried: ed25519 over the message's bytes, and OKX's
(`ed25519.okx_signed`: the `HashEd25519Msg` of the same file), which is how
OKX's published TON rows are signed. TON Connect's `ton_proof` signs a structure with the dApp's domain and a
timestamp, which no published reserve list carries, so it is not tried.

The wallet codes, the wallet data layouts and the address format come from
`ton-core` (MIT, maintained, built on pytoniq-core's cells): the code of each
wallet version is a contract's compiled bytes, which no one should copy by hand.
It is imported on first use, so commands that check no TON row do not load it.
"""

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from verifier.ownership import ed25519
from verifier.ownership.outcome import Rejected, Verified

if TYPE_CHECKING:
    from ton_core import Address

SCHEMES = ("TON ed25519 over the message", "TON ed25519, OKX Signed Message")
WALLETS = ("v3R2", "v4R2", "v5R1", "highload v3 (id 4269)")
HIGHLOAD_ID = 4269
HIGHLOAD_TIMEOUT = 60 * 60 * 12


def parse_address(text: str) -> "Address":
    """A mainnet address, raw (`0:hex`) or user-friendly (either bounce flag)."""
    from ton_core import Address, AddressError

    try:
        address = Address(text.strip())
    except AddressError as e:
        raise Rejected(f"address: not a TON address ({e})") from None
    if address.is_test_only:
        raise Rejected("address: a testnet-only TON address (its flag says so)")
    return address


def same_address(first: str, second: str) -> bool:
    """Whether two texts name one account: the bounceable and non-bounceable forms
    of an address differ in text only. Texts that are no mainnet address compare
    as text, so that the address's own check names what is wrong with it."""
    try:
        a, b = parse_address(first), parse_address(second)
    except Rejected:
        return first == second
    return (a.wc, a.hash_part) == (b.wc, b.hash_part)


def wallet_addresses(public_key: bytes, workchain: int) -> dict[str, tuple[int, bytes]]:
    """Each standard wallet's (workchain, account hash) for this key."""
    return {
        name: (workchain, derive(public_key, workchain)) for name, derive in _derivers().items()
    }


@cache
def _derivers() -> dict[str, Callable[[bytes, int], bytes]]:
    from ton_core import StateInit, to_cell
    from ton_core.contrib.contracts.codes import CONTRACT_CODES
    from ton_core.contrib.contracts.versions import ContractVersion
    from ton_core.contrib.contracts.wallet.tlb import (
        WalletHighloadV3Data,
        WalletV3Data,
        WalletV4Data,
        WalletV5Data,
        WalletV5SubwalletID,
    )
    from ton_core.contrib.types import DEFAULT_SUBWALLET_ID, PublicKey, WorkchainID

    def account(version: ContractVersion, data: object) -> bytes:
        code = to_cell(CONTRACT_CODES[version])
        state = StateInit(code=code, data=data.serialize())  # type: ignore[attr-defined]
        return bytes(state.serialize().hash)

    def v3(key: bytes, wc: int) -> bytes:
        data = WalletV3Data(PublicKey(key), subwallet_id=DEFAULT_SUBWALLET_ID + wc)
        return account(ContractVersion.WalletV3R2, data)

    def v4(key: bytes, wc: int) -> bytes:
        data = WalletV4Data(PublicKey(key), subwallet_id=DEFAULT_SUBWALLET_ID + wc)
        return account(ContractVersion.WalletV4R2, data)

    def v5(key: bytes, wc: int) -> bytes:
        wallet_id = WalletV5SubwalletID(workchain=WorkchainID(wc))
        return account(ContractVersion.WalletV5R1, WalletV5Data(PublicKey(key), wallet_id))

    def highload(key: bytes, wc: int) -> bytes:
        data = WalletHighloadV3Data(
            PublicKey(key), subwallet_id=HIGHLOAD_ID, timeout=HIGHLOAD_TIMEOUT
        )
        return account(ContractVersion.WalletHighloadV3R1, data)

    return dict(zip(WALLETS, (v3, v4, v5, highload), strict=True))


def verify(address_text: str, message: bytes, signature: str, public_key: bytes | None) -> Verified:
    address = parse_address(address_text)
    if public_key is None:
        raise Rejected("public_key: a TON proof needs the wallet's key (ed25519 recovers none)")
    if len(public_key) != 32:
        raise Rejected(f"public_key: an ed25519 key is 32 bytes, not {len(public_key)}")
    if address.wc not in (0, -1):
        raise Rejected(f"address: workchain {address.wc} has no standard wallets")
    wallet = next(
        (
            name
            for name, (_, account) in wallet_addresses(public_key, address.wc).items()
            if account == bytes(address.hash_part)
        ),
        None,
    )
    if wallet is None:
        raise Rejected(
            "published public_key is not the key of this address as any standard wallet "
            f"({', '.join(WALLETS)}) builds it"
        )
    scheme = ed25519.bare_or_okx(public_key, message, ed25519.parse_signature(signature), SCHEMES)
    if scheme is not None:
        return Verified(scheme, f"wallet {wallet}", {"wallet": wallet})
    raise Rejected(
        "signature is not this key's over this message, as the message or as "
        "an OKX Signed Message (wrong message, signature or key)"
    )
