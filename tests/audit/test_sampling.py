"""The window's sample rule (por-window-sample-v1) and how a window is asked for."""

import pytest

from tests.tree.helpers import run
from verifier.audit.sampling import draw
from verifier.audit.window import Reach, WindowSpec

SEED = bytes.fromhex("00" * 31 + "01")


def test_the_rule_is_fixed_by_its_seed_and_chain() -> None:
    # Pinned (computed by hand from the rule in the docstring): a change of the rule
    # would change every published sample.
    assert draw(SEED, "bitcoin:mainnet", range(100, 1100), 5) == [592, 623, 904, 1023, 1055]
    assert draw(SEED, "bitcoin:mainnet", range(100, 1100), 5) == draw(
        SEED, "bitcoin:mainnet", range(100, 1100), 5
    )
    assert draw(SEED, "evm:ethereum", range(100, 1100), 5) != draw(
        SEED, "bitcoin:mainnet", range(100, 1100), 5
    )
    assert draw(b"\x02", "bitcoin:mainnet", range(100, 1100), 5) != draw(
        SEED, "bitcoin:mainnet", range(100, 1100), 5
    )


@pytest.mark.parametrize(("n", "k"), [(1, 1), (2, 1), (7, 6), (32, 32), (1000, 32)])
def test_heights_are_distinct_ascending_and_inside_the_range(n: int, k: int) -> None:
    heights = draw(SEED, "c", range(50, 50 + n), k)
    assert len(heights) == k and heights == sorted(set(heights))
    assert all(50 <= h < 50 + n for h in heights)


def test_fewer_candidates_than_samples_takes_them_all() -> None:
    assert draw(SEED, "c", range(3, 6), 32) == [3, 4, 5]
    assert draw(SEED, "c", range(3, 3), 32) == []


def test_every_height_is_drawn_about_as_often() -> None:
    """Over 3,000 seeds, each of 3 heights is the single draw a third of the time."""
    counts = [0, 0, 0]
    for i in range(3000):
        counts[draw(i.to_bytes(4, "big"), "c", range(3), 1)[0]] += 1
    assert all(900 < c < 1100 for c in counts), counts


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("144:6", Reach(144, False, "144"), Reach(6, False, "6")),
        ("24h:24h", Reach(86400, True, "24h"), Reach(86400, True, "24h")),
        ("90m:2d", Reach(5400, True, "90m"), Reach(172800, True, "2d")),
        ("0:3600s", Reach(0, False, "0"), Reach(3600, True, "3600s")),
    ],
)
def test_a_window_is_blocks_or_durations(text: str, before: Reach, after: Reach) -> None:
    spec = WindowSpec.parse(text)
    assert (spec.before, spec.after, spec.samples, spec.seed) == (before, after, 32, None)
    assert str(spec).startswith(f"{before} before, {after} after")


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--window", "24h"], "--window: '24h' is not BEFORE:AFTER"),
        (["--window", "1w:1h"], "--window: '1w' is neither blocks"),
        (["--window", "-3:3"], "--window: '-3' is neither blocks"),
        (["--window", "3:3", "--samples", "0"], "--samples: samples must be at least 1"),
        (["--window", "3:3", "--seed", "xyz"], "--seed: seed 'xyz' is not hex bytes"),
        (["--samples", "4"], "--samples: applies only with --window"),
        (["--seed", "ab"], "--seed: applies only with --window"),
    ],
)
def test_a_bad_window_is_one_line_and_exit_2(options: list[str], says: str) -> None:
    r = run("verify", "fixtures/demo/attestation.json", *options)
    assert r.exit_code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"por: error: {says}"), lines
