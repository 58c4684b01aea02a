"""Reserve lists in the exchanges' exact layouts, signed with keys the tests make.

`htx_csv` writes HTX's snapshot/huobi_por.csv layout (UTF-8 byte-order mark, a
summary block, a blank line, `coin,address,snapshot height,balance,message,signature`,
`-` for none); `okx_csv` writes OKX's example/okx_por_example.csv layout (a summary
block, a blank line, the address table with its header as OKX spells it, spaces
included). The signers hash as the vendors' wallets do, written out here.
"""

from collections.abc import Sequence
from pathlib import Path

from bitcoin.base58 import CBase58Data
from coincurve import PrivateKey

from tests.support import btcsign
from verifier.ownership import tron
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import keccak256

HTX_SUMMARY = "coin,snapshot height,balance"
HTX_HEADER = "coin,address,snapshot height,balance,message,signature"
OKX_SUMMARY = "coin,snapshot height,amount"
FIRST_ROW = 5  # the line of the first address row of a file written here
OKX_HEADER = (
    "coin,Network,Snapshot Height,address,amount,message,signature1,signature2,"
    "redeem script/ public key, eoa1, eoa2"
)


def eth_address(key: PrivateKey) -> str:
    return "0x" + keccak256(key.public_key.format(compressed=False)[1:])[12:].hex()


def _recoverable(key: PrivateKey, digest: bytes, v_base: int) -> bytes:
    sig = key.sign_recoverable(digest, hasher=None)
    return sig[:64] + bytes([v_base + sig[64]])


def sign_okx_eth(key: PrivateKey, message: str) -> str:
    """OKX's Ethereum rows: EIP-191 personal_sign of keccak256(message) (SOURCES.md)."""
    digest = dict(eip191.digests(message.encode()))[eip191.SCHEMES[1]]
    return "0x" + _recoverable(key, digest, 27).hex()


def sign_htx_eth(key: PrivateKey, message: str) -> str:
    """HTX's Ethereum rows: raw keccak256(message), no EIP-191 prefix (src/sdk/evm.js)."""
    return "0x" + _recoverable(key, keccak256(message.encode()), 27).hex()


def sign_htx_tron(key: PrivateKey, message: str) -> str:
    """HTX's TRON rows: hex without 0x, v written 00/01 as Tron's old Java SDK does."""
    digest = next(tron.digests(message.encode()))[1]
    return _recoverable(key, digest, 0).hex()


def tron_address(key: PrivateKey) -> str:
    raw = keccak256(key.public_key.format(compressed=False)[1:])[12:]
    return str(CBase58Data.from_bytes(raw, tron.ADDRESS_VERSION))


def sign_btc(key: PrivateKey, message: str, header: str = "p2wpkh") -> str:
    return btcsign.sign_bip137(key, message, btcsign.HEADER_BASE[header])


def htx_csv(path: Path, rows: Sequence[Sequence[object]], summary: Sequence[str] = ()) -> Path:
    """HTX's layout, byte-order mark first; each row coin, address, height, balance,
    message, signature ("-" where None)."""
    lines = [HTX_SUMMARY, *(summary or ["BTC(ALL),-,1"]), "", HTX_HEADER]
    lines += [",".join("-" if c is None else str(c) for c in row) for row in rows]
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode())
    return path


def okx_csv(path: Path, rows: Sequence[Sequence[object]], header: str = OKX_HEADER) -> Path:
    """OKX's layout; each row as many cells as OKX writes ("" where None)."""
    lines = [OKX_SUMMARY, "ETH(ALL),-,6", "", header]
    lines += [",".join("" if c is None else str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path
