"""The suite's own ownership vectors: every Bitcoin address type on mainnet and
regtest and EIP-191 accounts, all signed with DEMO KEYS over the ownership message."""

from coincurve import PrivateKey

from tests.support import btcsign as s
from verifier.models.ownership import OwnershipClaim
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import hash160, keccak256, sha256
from verifier.ownership.message import OwnershipMessage

EXCHANGE = "demo-exchange"
SNAPSHOT_ID = "2026-11-26T00:00Z"
LOCKTIME = 800_000
KEYS = [s.demo_key(i) for i in range(4)]
COSIGNERS = KEYS[1:4]
ETH_CHAIN_ID = "1"


def ownership_message(chain: str, network: str, address: str) -> str:
    return OwnershipMessage(EXCHANGE, SNAPSHOT_ID, chain, network, address).text()


def bitcoin_vectors(net: s.Net) -> dict[str, OwnershipClaim]:
    """name -> proof, one for each address type and signature format."""
    k = KEYS[0]
    kh = hash160(s.pub(k))
    nested = b"\x00\x14" + kh
    multisig = s.multisig_2of3(COSIGNERS)
    vault = s.timelock_script(k, LOCKTIME)
    output_key, _ = s.taproot_output(k)
    addresses = {
        "p2pkh-uncompressed": s.p2pkh(net, hash160(s.pub(k, compressed=False))),
        "p2pkh": s.p2pkh(net, kh),
        "p2sh-p2wpkh": s.p2sh(net, nested),
        "p2wpkh": s.segwit(net, 0, kh),
        "p2wsh-2of3": s.segwit(net, 0, sha256(multisig)),
        "p2wsh-timelock": s.segwit(net, 0, sha256(vault)),
        "p2tr": s.segwit(net, 1, output_key),
    }

    def msg(kind: str) -> str:
        return ownership_message("bitcoin", net.name, addresses[kind])

    def spk(kind: str) -> bytes:
        from chains.bitcoin.addresses import parse

        return parse(addresses[kind]).script_pubkey

    out: dict[str, tuple[str, str, str | None]] = {}
    for kind, base in s.HEADER_BASE.items():
        signer = k
        out[f"bip137 {kind}"] = (kind, s.sign_bip137(signer, msg(kind), base), None)
    for kind in ("p2sh-p2wpkh", "p2wpkh"):
        out[f"bip137 {kind} signed with a p2pkh header"] = (
            kind,
            s.sign_bip137(k, msg(kind), s.HEADER_BASE["p2pkh"]),
            None,
        )
    wit = s.sign_p2wpkh(k, spk("p2wpkh"), msg("p2wpkh"))
    out["bip322 simple p2wpkh smp"] = ("p2wpkh", s.encode(wit, "smp"), None)
    out["bip322 simple p2wpkh"] = ("p2wpkh", s.encode(wit, ""), None)
    _, tr = s.sign_p2tr(k, msg("p2tr"))
    out["bip322 simple p2tr"] = ("p2tr", s.encode(s.bip322.witness_of(tr), "smp"), None)
    out["bip322 full p2tr"] = ("p2tr", s.encode(tr, "ful"), None)
    ms = s.sign_p2wsh(
        [COSIGNERS[0], COSIGNERS[2]], multisig, spk("p2wsh-2of3"), msg("p2wsh-2of3"), multisig=True
    )
    out["bip322 simple p2wsh 2-of-3"] = (
        "p2wsh-2of3",
        s.encode(s.bip322.witness_of(ms), "smp"),
        multisig.hex(),
    )
    out["bip322 full p2wsh 2-of-3 ful"] = ("p2wsh-2of3", s.encode(ms, "ful"), multisig.hex())
    out["bip322 full p2wsh 2-of-3"] = ("p2wsh-2of3", s.encode(ms, ""), multisig.hex())
    tl = s.sign_p2wsh(
        [k],
        vault,
        spk("p2wsh-timelock"),
        msg("p2wsh-timelock"),
        multisig=False,
        locktime=LOCKTIME,
        sequence=0xFFFFFFFE,
    )
    out["bip322 full p2wsh timelock"] = ("p2wsh-timelock", s.encode(tl, "ful"), vault.hex())
    nested_full = s.sign_p2sh_p2wpkh_full(k, spk("p2sh-p2wpkh"), msg("p2sh-p2wpkh"))
    out["bip322 full p2sh-p2wpkh"] = ("p2sh-p2wpkh", s.encode(nested_full, "ful"), None)
    legacy_full = s.sign_p2pkh_full(k, spk("p2pkh"), msg("p2pkh"))
    out["bip322 full p2pkh"] = ("p2pkh", s.encode(legacy_full, "ful"), None)
    return {
        f"{net.name} {name}": OwnershipClaim(
            chain="bitcoin",
            address=addresses[kind],
            message=msg(kind),
            signature=sig,
            script=script,
        )
        for name, (kind, sig, script) in out.items()
    }


def eth_address(key: PrivateKey) -> str:
    return "0x" + keccak256(key.public_key.format(compressed=False)[1:])[12:].hex()


def sign_eip191(key: PrivateKey, digest: bytes) -> str:
    sig = key.sign_recoverable(digest, hasher=None)
    return "0x" + (sig[:64] + bytes([27 + sig[64]])).hex()


def ethereum_vectors() -> dict[str, OwnershipClaim]:
    out = {}
    for i, key in enumerate(KEYS[:2]):
        address = eth_address(key)
        message = ownership_message("ethereum", ETH_CHAIN_ID, address)
        for label, (_, digest) in zip(
            ("personal_sign", "keccak variant"), eip191.digests(message.encode()), strict=True
        ):
            out[f"ethereum {label} key {i}"] = OwnershipClaim(
                chain="ethereum",
                address=address,
                message=message,
                signature=sign_eip191(key, digest),
            )
    return out


def all_vectors() -> dict[str, OwnershipClaim]:
    return {**bitcoin_vectors(s.MAINNET), **bitcoin_vectors(s.REGTEST), **ethereum_vectors()}
