"""`por ownership verify --format`: the exchanges' address lists exactly as published,
one result per row with its line; and the lists' bad shapes, one line each, exit 2.

OKX's real example is read from ../shared (never copied); HTX's layout is written
here with keys the tests make (its real file is held back for acceptance)."""

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from coincurve import PrivateKey
from nacl.signing import SigningKey

from tests.support import reserve_lists as rl
from tests.support.btcsign import MAINNET, p2pkh, pub
from tests.support.cli import Run
from verifier.io.tables import FIELD_LIMIT
from verifier.ownership import ed25519
from verifier.ownership.eth import eip191
from verifier.ownership.hashes import hash160

Por = Callable[..., Run]
KEYS = [PrivateKey(bytes([i + 1]) * 32) for i in range(4)]
RESULT = re.compile(r"^(verified|failed|inconclusive)\s+line (\d+): ", re.M)


def results(stdout: str) -> dict[int, str]:
    return {int(line): verdict for verdict, line in RESULT.findall(stdout)}


def test_okx_real_csv_every_row_one_result(por: Por, shared: Path) -> None:
    okx = shared / "external" / "okx" / "okx_por_example.csv"
    code, out, err = por("ownership", "verify", str(okx), "--legacy-message")
    assert err == ""
    # Lines 16-20 are its address rows: both EOAs' signatures recover (SOURCES.md);
    # the multisig row is signed by its owners only; the TON row is a Highload v3
    # wallet's key (the public key column) over OKX's Signed Message; the Aptos row's
    # key signs the same way and is its eoa1 (the authentication key of a rotated
    # account), not its address: that eoa1 controls the address is OKX's word.
    assert results(out) == {
        16: "verified",
        17: "verified",
        18: "inconclusive",
        19: "verified",
        20: "inconclusive",
    }
    assert out.count("EIP-191 personal_sign of keccak256(message)") == 3
    assert "that they control 0x57e2dcd253527a0f70c6a3de3556f6e6e163f19c" in out
    assert "TON ed25519, OKX Signed Message: wallet highload v3 (id 4269)" in out
    assert (
        "(0x5bb5d85934c7587a22960ef72e9d8cd5313a60447e57a2183b1aae285d90352e): Aptos ed25519, OKX Signed Message"
        in out
    )
    assert "that they control 0xdeadbeef" in out
    assert code == 2  # nothing failed, two rows are the exchange's word
    # Named explicitly, the same; without --legacy-message the fixed phrase fails.
    assert por("ownership", "verify", str(okx), "--legacy-message", "--format", "okx-csv")[1] == out
    code, out, _ = por("ownership", "verify", str(okx))
    assert results(out)[16] == "failed" and results(out)[19] == "failed" and code == 1


def _real_okx_row(shared: Path, network: str) -> list[str]:
    """A row of OKX's real list, as its cells (read here, the file is never copied)."""
    okx = (shared / "external" / "okx" / "okx_por_example.csv").read_text().splitlines()
    return next(line.split(",") for line in okx if line.split(",")[1:2] == [network])


def test_okx_real_ton_row_tampered_or_another_key_fails(
    por: Por, shared: Path, tmp_path: Path
) -> None:
    row = _real_okx_row(shared, "TON")
    signature = row[6]
    flipped = signature[:-2] + f"{int(signature[-2:], 16) ^ 1:02x}"
    other_key = SigningKey(bytes(range(32))).verify_key.encode().hex()
    path = rl.okx_csv(
        tmp_path / "ton.csv",
        [row, [*row[:6], flipped, *row[7:]], [*row[:8], other_key, *row[9:]]],
    )
    code, out, _ = por("ownership", "verify", str(path), "--legacy-message", "--format", "okx-csv")
    first = rl.FIRST_ROW
    assert results(out) == {first: "verified", first + 1: "failed", first + 2: "failed"}
    assert "signature is not this key's over this message" in out
    assert "published public_key is not the key of this address" in out
    assert code == 1


def test_okx_aptos_rows_by_address_and_by_owner_key(por: Por, tmp_path: Path) -> None:
    """Aptos rows signed as OKX signs, from keys made here: by the address's own key
    (verified), by the key eoa1 names (OKX's owner mode: inconclusive), the other
    key's signature, and an eoa1 that is not the signing key's."""
    message = "I am an OKX address"
    keys = [SigningKey(bytes([0x30 + i]) * 32) for i in range(2)]
    public = [k.verify_key.encode() for k in keys]
    auth = ["0x" + hashlib.sha3_256(p + b"\x00").hexdigest() for p in public]
    framed = ed25519.okx_signed(message.encode())
    sig = ["0x" + k.sign(framed).signature.hex() for k in keys]
    account = "0x" + "ab" * 32  # a rotated account: its address is not its key's

    def row(address: str, signature: str, key: bytes, eoa1: str = "") -> list[object]:
        return [
            "APTOS",
            "APTOS",
            100,
            address,
            "1.5",
            message,
            signature,
            "",
            "0x" + key.hex(),
            eoa1,
            "",
        ]

    path = rl.okx_csv(
        tmp_path / "aptos.csv",
        [
            row(auth[0], sig[0], public[0]),
            row(account, sig[0], public[0], auth[0]),
            row(auth[0], sig[1], public[0]),
            row(account, sig[0], public[0], auth[1]),
            row(account, sig[0], public[0]),
        ],
    )
    code, out, _ = por("ownership", "verify", str(path), "--legacy-message")
    first = rl.FIRST_ROW
    assert results(out) == {
        first: "verified",
        first + 1: "inconclusive",
        first + 2: "failed",
        first + 3: "failed",  # eoa1 is another key's
        first + 4: "failed",  # no eoa1: the key is not the address's
    }
    assert f"that they control {account}" in out
    assert out.count("not the key of this address") == 2
    assert code == 1


def test_okx_staking_layout(por: Por, tmp_path: Path) -> None:
    """okx_por_staking_example.csv's layout: Type, EOA1/EOA2, `redeem script/public key`;
    a validator key signed for by its owner EOA is inconclusive, never verified."""
    owner, message = KEYS[0], "I am an OKX address"
    header = (
        "coin,Type,Network,Snapshot Height,address,amount,message,signature1,signature2,"
        "redeem script/public key,EOA1,EOA2"
    )
    sig = rl.sign_okx_eth(owner, message)
    validator = "0x" + "ab" * 48
    owned = [rl.eth_address(owner), ""]
    path = rl.okx_csv(
        tmp_path / "staking.csv",
        [
            ["ETH", "Non Staking", "ETH", 1, rl.eth_address(owner), "0.5", message, sig, *[""] * 4],
            ["ETH", "Native ETH Staking", "ETH", 1, validator, "32", message, sig, "", "", *owned],
        ],
        header=header,
    )
    code, out, _ = por("ownership", "verify", str(path), "--legacy-message")
    assert results(out) == {rl.FIRST_ROW: "verified", rl.FIRST_ROW + 1: "inconclusive"}
    assert code == 2


def htx_rows() -> tuple[list[list[object]], dict[int, str]]:
    """HTX's kinds of rows, each signed as HTX's tool checks it, and what each gives."""
    eth, btc, trx = KEYS[0], KEYS[1], KEYS[2]
    btc_address = p2pkh(MAINNET, hash160(pub(btc)))
    rows: list[list[object]] = [
        ["BTC", btc_address, 823738, "2144.542843", "huobi", rl.sign_btc(btc, "huobi", "p2pkh")],
        ["BTC", p2pkh(MAINNET, hash160(pub(KEYS[3]))), 823738, "80.5541147", None, None],
        [
            "ETH",
            rl.eth_address(eth),
            18906508,
            "12019.63567",
            "huobi",
            rl.sign_htx_eth(eth, "huobi"),
        ],
        ["ETH", rl.eth_address(eth), None, None, "htx", rl.sign_htx_eth(eth, "htx")],
        [
            "TRX",
            rl.tron_address(trx),
            57801596,
            "960060640.3",
            "huobi",
            rl.sign_htx_tron(trx, "huobi"),
        ],
        ["USDT-TRC20", rl.tron_address(trx), 57801596, "1.5", None, None],
        ["USDT-SOL", "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", 1, "1", None, None],
        [
            "HT-ETH",
            rl.eth_address(eth),
            18906508,
            "4164",
            "huobi",
            rl.sign_htx_eth(KEYS[3], "huobi"),
        ],
        ["stETH", rl.eth_address(eth), 18906508, "4.5", "huobi", rl.sign_htx_eth(eth, "huobi")],
    ]
    first = rl.FIRST_ROW
    expected = {
        first: "verified",
        first + 1: "failed",  # unsigned: not proven
        first + 2: "verified",  # raw keccak, weaker
        first + 3: "verified",  # no height or balance: ownership only
        first + 4: "verified",
        first + 5: "failed",
        first + 6: "failed",
        first + 7: "failed",  # signed by another key
        first + 8: "inconclusive",  # HTX names no network for stETH
    }
    return rows, expected


def test_htx_layout_with_bom_and_summary(por: Por, tmp_path: Path) -> None:
    rows, expected = htx_rows()
    path = rl.htx_csv(tmp_path / "huobi_por.csv", rows, ["BTC(ALL),-,2225.1", "BTC,823738,2225.1"])
    # the summary has two lines here: the address rows start one line later
    expected = {line + 1: verdict for line, verdict in expected.items()}
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    code, out, err = por("ownership", "verify", str(path), "--legacy-message")
    assert err == "" and results(out) == expected
    assert eip191.RAW_WARNING in out  # the raw keccak rows say they are weaker
    assert "not proven: the row has no signature" in out
    assert "network 'stETH' is not one this verifier knows" in out
    assert code == 1
    # Without --legacy-message "huobi" binds nothing: every signed row fails.
    assert set(results(por("ownership", "verify", str(path))[1]).values()) <= {
        "failed",
        "inconclusive",
    }


def test_htx_tampered_signature_fails(por: Por, tmp_path: Path) -> None:
    rows, _ = htx_rows()
    for column in (5, 4):  # the signature, then the message
        for row_index in (0, 2, 4):
            changed = [list(r) for r in rows]
            cell = str(changed[row_index][column])
            # one character inside r (hex and base64 alike), or the message's last
            at = 10 if column == 5 else len(cell) - 1
            changed[row_index][column] = cell[:at] + "12"[cell[at] == "1"] + cell[at + 1 :]
            path = rl.htx_csv(tmp_path / f"t{column}{row_index}.csv", changed)
            _, out, _ = por("ownership", "verify", str(path), "--legacy-message")
            assert results(out)[rl.FIRST_ROW + row_index] == "failed", (column, row_index)


def one_error(run: Run) -> str:
    code, out, err = run
    assert code == 2 and out == "", out
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_file_of_no_format_names_the_nearest_and_what_it_lacks(por: Por, tmp_path: Path) -> None:
    lacking = rl.HTX_HEADER.replace(",signature", "")
    path = tmp_path / "list.csv"
    path.write_text(f"{rl.HTX_SUMMARY}\nBTC,1,1\n\n{lacking}\nBTC,1abc,1,1,huobi\n")
    err = one_error(por("ownership", "verify", str(path)))
    assert "not an address list of any known format" in err
    assert "nearest: htx-csv, which needs the column(s) signature" in err
    err = one_error(por("ownership", "verify", str(path), "--format", "htx-csv"))
    assert "header: not an htx-csv file" in err
    err = one_error(por("reserves", "check", str(path)))
    assert "nearest: htx-csv" in err


@pytest.mark.parametrize(
    ("row", "where", "problem"),
    [
        (["BTC", "1abc", 1, "x" * (FIELD_LIMIT + 1), "m", "s"], "column balance", "over the limit"),
        (["BTC", "1abc", "12a", "1", "m", "s"], "column snapshot height", "not a block height"),
        (["BTC", "1abc", 1, "1e5", "m", "s"], "column balance", "not a plain decimal"),
        (["BTC", " ", 1, "1", "m", "s"], "column address", "required field is missing"),
        (["BTC", "1abc", 1, "1", "m", "s", "extra"], "line 5", "more cells than columns"),
    ],
)
def test_bad_rows_are_one_line(
    por: Por, tmp_path: Path, row: list[object], where: str, problem: str
) -> None:
    path = rl.htx_csv(tmp_path / "bad.csv", [row])
    for command in (("ownership", "verify"), ("reserves", "check")):
        err = one_error(por(*command, str(path)))
        assert f"{path}: line {rl.FIRST_ROW}" in err and where in err and problem in err, err


def test_a_coin_and_address_claimed_twice_is_refused(por: Por, tmp_path: Path) -> None:
    """Counted twice, the balance would inflate the coin's total: refused, naming both
    lines. Repeats without a claimed balance (HTX's list has them) are kept."""
    key = KEYS[0]
    row = ["ETH", rl.eth_address(key), 100, "1", "huobi", rl.sign_htx_eth(key, "huobi")]
    upper = [row[0], str(row[1]).upper().replace("0X", "0x"), *row[2:]]
    path = rl.htx_csv(tmp_path / "twice.csv", [row, upper])
    err = one_error(por("reserves", "check", str(path)))
    assert f"line {rl.FIRST_ROW + 1}" in err and f"first at line {rl.FIRST_ROW}" in err
    assert "counted twice" in err
    # ownership verify gives each row its result
    assert len(results(por("ownership", "verify", str(path), "--legacy-message")[1])) == 2
    unclaimed = [row[0], row[1], None, None, *row[4:]]
    path = rl.htx_csv(tmp_path / "repeat.csv", [unclaimed, unclaimed, row])
    code, out, _ = por("reserves", "check", str(path), "--legacy-message")
    assert code == 2 and out.count(f"line {rl.FIRST_ROW}") >= 1


def test_a_summary_block_of_other_columns_is_refused(por: Por, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(f"coin,total,owner\nBTC,1,x\n\n{rl.HTX_HEADER}\nBTC,1abc,1,1,-,-\n")
    err = one_error(por("ownership", "verify", str(path)))
    assert "header: missing column(s) snapshot height, balance" in err


def test_por_files_still_read_and_not_by_reserves_check(por: Por, tmp_path: Path) -> None:
    path = tmp_path / "proofs.csv"
    path.write_text("chain,address,message,signature\nethereum,0x" + "11" * 20 + ",m,\n")
    code, out, _ = por("ownership", "verify", str(path))
    assert code == 1 and "not proven" in out
    assert por("ownership", "verify", str(path), "--format", "por")[1] == out
    err = one_error(por("reserves", "check", str(path)))
    assert "claims no balances" in err
