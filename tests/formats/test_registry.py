"""The registry: our own format is one registered format among the vendors', found
by shape, and its verdict is the lead's verifier's, unchanged."""

import json
from pathlib import Path

from tests.formats.conftest import run
from verifier.models.proof import parse_proof
from verifier.tree.formats import BY_NAME, FORMATS, verify_file
from verifier.tree.formats.source import load
from verifier.tree.verify import verify_proof


def vector(shared: Path, tmp_path: Path) -> Path:
    p = tmp_path / "anything.bin"  # the name says nothing: the shape decides
    p.write_text((shared / "spec" / "por-mst-v1-vector-1.json").read_text())
    return p


def test_every_format_is_registered_once() -> None:
    assert list(BY_NAME) == [
        "por-mst-v1",
        "okx-v1",
        "okx-full-tree",
        "bybit",
        "mexc",
        "bitget",
        "bitunix",
        "coinex",
        "binance-2022",
        "bitmex",
        "binance-zk",
        "gate-zk",
        "htx-zk",
    ]
    assert len(FORMATS) == len(BY_NAME)


def test_por_mst_v1_through_the_registry_is_the_leads_verdict(shared: Path, tmp_path: Path) -> None:
    p = vector(shared, tmp_path)
    commitment = json.loads(p.read_text())["root_commitment"]
    mine = verify_file(p, commitment=commitment)
    theirs = verify_proof(parse_proof(p.read_text(), str(p)), commitment)
    assert (mine.format, mine.included, mine.root, mine.failure) == (
        theirs.format,
        theirs.included,
        theirs.root,
        theirs.failure,
    )
    # The verdict no longer carries a warning list of its own: an uncompared root is the
    # verdict itself now (inconclusive, issue 10), and por-mst-v1 has no weakness to list.
    assert mine.balances == theirs.balances and mine.weaknesses == []
    assert mine.compared == theirs.compared is True and mine.exit_code == 0
    assert run(str(p), "--format", "por-mst-v1", "--commitment", commitment).exit_code == 0


def test_each_shape_is_claimed_by_exactly_one_format(shared: Path, tmp_path: Path) -> None:
    external = shared / "external"
    for path, name in [
        (vector(shared, tmp_path), "por-mst-v1"),
        (external / "okx" / "v1_merkle_proof_file.json", "okx-v1"),
        (external / "mexc" / "merkle_proof.json", "mexc"),
        (external / "bybit" / "mock_user_merkle_tree_path_40.json", "bybit"),
    ]:
        doc = load(path)
        assert [f.NAME for f in FORMATS if f.detect(doc)] == [name]


def test_unknown_shape_and_bad_commitment_exit_2(shared: Path, tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"hello": 1}')
    r = run(str(p))
    assert r.exit_code == 2 and "not a file of any known format" in r.stderr
    r = run(str(vector(shared, tmp_path)), "--commitment", "zz")
    assert r.exit_code == 2 and "--commitment: not hex" in r.stderr
    r = run(str(vector(shared, tmp_path)), "--commitment", "abcd")
    assert r.exit_code == 2 and "not 32 bytes of hex" in r.stderr
    r = run(str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "missing.json" in r.stderr


def _customer_files(tmp_path: Path, shared: Path) -> list[tuple[str, Path]]:
    """(format, a valid JSON file of it) for every format that has a customer's JSON file."""
    from tests.formats.test_inconclusive import CASES

    out = []
    for case, (fmt, build) in CASES.items():
        (tmp_path / case).mkdir()
        args, _ = build(tmp_path / case, shared)
        if load(Path(args[0])).kind == "json":
            out.append((fmt, Path(args[0])))
    return out


def test_a_file_lacking_a_required_key_is_no_format_and_the_error_names_what_it_lacks(
    shared: Path, tmp_path: Path
) -> None:
    """Detection never hands a file to a format whose required keys it lacks: each
    required key removed in turn, the file is no known format, and the error names the
    format it is nearest to and the key it lacks (exit 2, one line)."""
    files = _customer_files(tmp_path, shared)
    assert sorted({f for f, _ in files}) == sorted(BY_NAME)
    for fmt, path in files:
        doc = json.loads(path.read_text())
        assert [f.NAME for f in FORMATS if f.detect(load(path))] == [fmt]
        if fmt == "por-mst-v1":
            continue  # one key names it; its own parser names any other missing field
        for key in BY_NAME[fmt].REQUIRED:
            cut = json.loads(json.dumps(doc))
            for alternative in key.split("|"):
                *parents, last = alternative.split(".")
                holder = cut
                for part in parents:
                    holder = holder[part]
                holder.pop(last, None)
            p = tmp_path / "cut.json"
            p.write_text(json.dumps(cut))
            r = run(str(p))
            assert r.exit_code == 2 and r.stdout == "", (fmt, key, r.output)
            assert r.stderr.count("\n") == 1 and "not a file of any known format" in r.stderr
            lacks = key.replace("|", " or ")
            assert f": nearest is {fmt}, but the file lacks {lacks}\n" in r.stderr, (fmt, r.stderr)


def test_bitunix_and_coinex_shapes_are_no_longer_taken_for_okx_v1(tmp_path: Path) -> None:
    """Both vendors' files have `path` and `self.balances`, which okx-v1 once took for
    its own shape; each now goes to its own format, and okx-v1 is never chosen."""
    from tests.formats import builders

    bitunix = builders.bitunix([{"BTC": "1"}, {"BTC": "2"}], 0, {"BTC": 0})
    coinex = builders.coinex([{"BTC": "1"}, {"BTC": "2"}, {"ETH": "3"}], 2)
    for name, doc in (("bitunix", bitunix), ("coinex", coinex)):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(doc))
        assert [f.NAME for f in FORMATS if f.detect(load(p))] == [name]
        assert verify_file(p).format == name


def test_a_file_with_no_key_of_any_format_says_so(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('{"hello": 1}')
    r = run(str(p))
    assert r.exit_code == 2
    assert r.stderr.rstrip().endswith("htx-zk): it has none of the keys that a format requires"), (
        r.stderr
    )
