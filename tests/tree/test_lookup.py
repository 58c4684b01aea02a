"""lookup.bin, the index proofs are cut through: the same proofs as accounts.sqlite
gives, and a doctored lookup.bin is bad input or answered by accounts.sqlite, never a
proof of another account."""

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests.tree.helpers import build_tree, run, write_ledger
from verifier.errors import InputError
from verifier.tree.lookup import HEADER, Layout
from verifier.tree.prove import Prover
from verifier.tree.verify import verify_proof

N = 300


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lookup")
    rows = [(f"acct-{i}{'é' if i % 7 == 0 else ''}", f"{i}.5", str(i % 3), "1") for i in range(N)]
    ledger = write_ledger(tmp / "ledger.csv", rows)
    out = tmp / "tree"
    assert build_tree(ledger, out, "--height", "12").exit_code == 0
    return out


def ids() -> list[str]:
    return [f"acct-{i}{'é' if i % 7 == 0 else ''}" for i in range(N)]


def through_sqlite(directory: Path, accounts: list[str]) -> list[str]:
    prover = Prover(directory)
    prover.lookup = None
    return list(prover.lines(accounts))


def copy_of(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "tree"
    copy.mkdir()
    for f in built.iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    return copy


def sections(directory: Path) -> tuple[Layout, np.memmap]:
    prover = Prover(directory)
    assert prover.lookup is not None
    layout = prover.lookup.layout
    prover.lookup.close()
    return layout, np.memmap(directory / "lookup.bin", np.uint8, "r+")


def test_the_build_writes_lookup_bin_and_its_proofs_are_sqlites(built: Path) -> None:
    prover = Prover(built)
    assert prover.lookup is not None and prover.lookup.layout == Layout.of(N)
    wanted = ids()[::-1] + ids()[:5]  # any order, an account twice
    lines = list(prover.lines(wanted))
    assert lines == through_sqlite(built, wanted)
    commitment = prover.root.root_commitment
    assert all(verify_proof(prover.proof(a), commitment).included for a in ids()[:20])


def test_an_unknown_account_is_named_as_before(built: Path) -> None:
    with pytest.raises(InputError, match="no account 'acct-300' in this tree"):
        list(Prover(built).lines(["acct-1", "acct-300"]))


def test_a_tree_without_lookup_bin_is_read_through_accounts_sqlite(
    built: Path, tmp_path: Path
) -> None:
    copy = copy_of(built, tmp_path)
    (copy / "lookup.bin").unlink()
    prover = Prover(copy)
    assert prover.lookup is None
    assert list(prover.lines(ids())) == list(Prover(built).lines(ids()))


@pytest.mark.parametrize("section", ["nonce", "row", "leaf", "key"])
def test_a_doctored_entry_is_caught_by_the_leaf_hash(
    built: Path, tmp_path: Path, section: str
) -> None:
    """Whatever entry is changed, the leaf found is not the account's: the account is
    looked up in accounts.sqlite, which has it, so lookup.bin is named as wrong."""
    copy = copy_of(built, tmp_path)
    layout, data = sections(copy)
    _, keys_at, rows_at, leaves_at, nonces_at, _ = layout.sections
    keys = data[keys_at:rows_at].view("<u8")
    rows = data[rows_at:leaves_at].view(layout.dtype)
    row = 17
    entry = int(np.flatnonzero(rows == row)[0])
    if section == "nonce":
        data[nonces_at + 32 * row] ^= 1
    elif section == "row":  # the entry points at another account's row
        rows[entry] = (row + 1) % N
    elif section == "leaf":
        leaves = data[leaves_at:nonces_at].view(layout.dtype)
        leaves[row] = (leaves[row] + 1) % N
    else:  # the key no longer matches the id (and the keys stay sorted)
        keys[entry] = keys[entry] - 1 if entry == 0 or keys[entry - 1] < keys[entry] - 1 else 0
    data.flush()
    del data
    with pytest.raises(
        InputError, match=r"lookup\.bin: does not match accounts\.sqlite for 'acct-17'"
    ):
        list(Prover(copy).lines(["acct-16", "acct-17"]))
    assert list(Prover(copy).lines(["acct-16"])) == list(Prover(built).lines(["acct-16"]))


def test_a_key_two_ids_share_is_answered_by_accounts_sqlite(built: Path, tmp_path: Path) -> None:
    """Two accounts whose keys are equal (a 64-bit collision, made here by hand): both
    are found through accounts.sqlite, with the same proofs."""
    copy = copy_of(built, tmp_path)
    layout, data = sections(copy)
    _, keys_at, rows_at, *_ = layout.sections
    keys = data[keys_at:rows_at].view("<u8")
    rows = data[rows_at : rows_at + layout.width * N].view(layout.dtype)
    keys[101] = keys[100]  # keep the order: 101 now holds 100's key
    data.flush()
    twins = [ids()[int(rows[100])], ids()[int(rows[101])]]
    del data
    prover = Prover(copy)
    assert prover.lookup is not None
    _, _, _, status = prover.lookup.find(twins)
    assert status.tolist() == [2, 1]  # the first shares its key; the second's is gone
    with pytest.raises(InputError, match=f"does not match accounts.sqlite for '{twins[1]}'"):
        list(prover.lines(twins))
    assert list(prover.lines(twins[:1])) == list(Prover(built).lines(twins[:1]))


def test_a_directory_entry_past_the_keys_is_bad_input(built: Path, tmp_path: Path) -> None:
    copy = copy_of(built, tmp_path)
    layout, data = sections(copy)
    directory = data[HEADER : layout.sections[1]].view("<u8")
    directory[:] = N + 1
    data.flush()
    del data
    with pytest.raises(InputError, match="points outside the tree"):
        list(Prover(copy).lines(["acct-3"]))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b"XXXXXXXX" + b[8:], "not a por-mst-v1 lookup.bin"),
        (lambda b: b[:8] + (N + 1).to_bytes(8, "little") + b[16:], "another tree"),
        (lambda b: b[:40] + bytes([b[40] ^ 1]) + b[41:], "another tree"),
        (lambda b: b[:16] + b"\x05" + b[17:], "not a por-mst-v1 lookup.bin"),
        (lambda b: b[:-1], "bytes, the header says"),
        (lambda b: b + b"\0", "bytes, the header says"),
        (lambda b: b[:20], "not a por-mst-v1 lookup.bin"),
    ],
)
def test_a_header_that_does_not_fit_the_tree_is_bad_input(
    built: Path, tmp_path: Path, change: object, problem: str
) -> None:
    copy = copy_of(built, tmp_path)
    path = copy / "lookup.bin"
    path.write_bytes(change(path.read_bytes()))  # type: ignore[operator]
    with pytest.raises(InputError, match=problem):
        Prover(copy)


def test_eight_byte_entries_are_read_as_four_byte_ones(built: Path, tmp_path: Path) -> None:
    """Beyond 2^32 accounts rows and leaves take 8 bytes: the same file rewritten so
    gives the same proofs."""
    copy = copy_of(built, tmp_path)
    layout, data = sections(copy)
    wide = Layout(N, 8, layout.bits)
    parts = [data[a:b] for a, b in zip(layout.sections, layout.sections[1:], strict=False)]
    rows, leaves = (p.view("<u4").astype("<u8").view(np.uint8) for p in parts[2:4])
    head = bytearray(data[:HEADER])
    head[16] = 8
    body = b"".join(bytes(p) for p in (head, parts[0], parts[1], rows, leaves, parts[4]))
    del data
    assert len(body) == wide.size
    (copy / "lookup.bin").write_bytes(body)
    prover = Prover(copy)
    assert prover.lookup is not None and prover.lookup.layout.width == 8
    assert list(prover.lines(ids())) == list(Prover(built).lines(ids()))


def test_the_cli_cuts_through_lookup_bin(built: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("\n".join(ids()[::3]) + "\n")
    out = tmp_path / "proofs.jsonl"
    r = run("tree", "export", str(built), "--out", str(out), "--accounts", str(accounts))
    assert r.exit_code == 0, r.stderr
    assert out.read_text().splitlines(keepends=True) == through_sqlite(built, ids()[::3])


def test_layout_widths() -> None:
    assert Layout.of(1 << 32).width == 4 and Layout.of((1 << 32) + 1).width == 8
    assert Layout.of(1).bits == 0 and Layout.of(100_000_000).bits == 20


def test_tree_index_writes_lookup_bin_again(built: Path, tmp_path: Path) -> None:
    """For a tree built before lookup.bin, or one whose lookup.bin does not match: the
    same bytes as the build wrote, refused over an existing file unless forced."""
    copy = copy_of(built, tmp_path)
    (copy / "lookup.bin").unlink()
    r = run("tree", "index", str(copy))
    assert r.exit_code == 0, r.stderr
    assert (copy / "lookup.bin").read_bytes() == (built / "lookup.bin").read_bytes()
    r = run("tree", "index", str(copy))
    assert r.exit_code == 2 and "already exists; --force replaces it" in r.stderr
    layout, data = sections(copy)
    data[layout.sections[4] :] = 0  # every nonce lost
    data.flush()
    del data
    with pytest.raises(InputError, match="tree index DIR --force"):
        list(Prover(copy).lines(["acct-5"]))
    assert run("tree", "index", str(copy), "--force").exit_code == 0
    assert list(Prover(copy).lines(ids())) == list(Prover(built).lines(ids()))


def test_tree_index_refuses_accounts_sqlite_of_another_size(built: Path, tmp_path: Path) -> None:
    copy = copy_of(built, tmp_path)
    (copy / "lookup.bin").unlink()
    with sqlite3.connect(copy / "accounts.sqlite") as db:
        db.execute("DELETE FROM accounts WHERE row = 7")
    r = run("tree", "index", str(copy))
    assert r.exit_code == 2
    assert r.stderr.strip().endswith(f"{N - 1} accounts, root.json says {N}")
    assert sorted(p.name for p in copy.iterdir()) == ["accounts.sqlite", "root.json", "tree.bin"]


@pytest.mark.parametrize("leaf", [-1, N, 2**62])
def test_tree_index_refuses_a_leaf_outside_the_tree(built: Path, tmp_path: Path, leaf: int) -> None:
    copy = copy_of(built, tmp_path)
    (copy / "lookup.bin").unlink()
    with sqlite3.connect(copy / "accounts.sqlite") as db:
        db.execute("UPDATE positions SET leaf = ? WHERE row = 9", (leaf,))
    r = run("tree", "index", str(copy))
    assert r.exit_code == 2
    assert r.stderr.strip().endswith(f"leaf {leaf}: no such leaf in this tree")
    assert not (copy / "lookup.bin").exists()
