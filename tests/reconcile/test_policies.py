"""The policy presets carry the figures of their regimes; bad policy files are one line."""

from fractions import Fraction
from pathlib import Path

import pytest

from verifier.errors import InputError, OptionError
from verifier.reconcile.policy import (
    ColdShare,
    Compensation,
    Coverage,
    HotReserve,
    LiabilityReserve,
    MatchingOwnCrypto,
    OwnFunds,
    load_policy,
    presets,
)


def _rule(policy_id: str, kind: str) -> object:
    (rule,) = [r for r in load_policy(policy_id).rules if r.kind == kind]
    return rule


def test_one_preset_per_regime() -> None:
    assert presets() == [
        "ae-vara",
        "bh-cbb",
        "eu-mica",
        "hk-sfc",
        "jp-fsa-2026-draft",
        "jp-psa",
        "kr",
        "sg-mas",
    ]


@pytest.mark.parametrize("name", presets())
def test_every_preset_requires_full_coverage_per_asset(name: str) -> None:
    rule = _rule(name, "coverage")
    assert isinstance(rule, Coverage) and rule.min_ratio == 1


@pytest.mark.parametrize(
    "name, basis, min_cold, max_hot",
    [
        ("jp-psa", "value", None, Fraction(5, 100)),
        ("hk-sfc", "value", Fraction(98, 100), None),
        ("sg-mas", "value", Fraction(90, 100), None),
        ("kr", "value", Fraction(80, 100), None),
        ("bh-cbb", "per-asset", Fraction(90, 100), None),
    ],
)
def test_cold_share_figures(name: str, basis: str, min_cold: object, max_hot: object) -> None:
    rule = _rule(name, "cold-share")
    assert isinstance(rule, ColdShare)
    assert (rule.basis, rule.min_cold, rule.max_hot) == (basis, min_cold, max_hot)


def test_jp_psa_matching_own_crypto() -> None:
    assert isinstance(_rule("jp-psa", "matching-own-crypto"), MatchingOwnCrypto)


def test_jp_draft_is_jp_psa_plus_a_parametric_reserve() -> None:
    draft, psa = load_policy("jp-fsa-2026-draft"), load_policy("jp-psa")
    assert draft.rules[: len(psa.rules)] == psa.rules
    rule = _rule("jp-fsa-2026-draft", "liability-reserve")
    assert isinstance(rule, LiabilityReserve)
    assert (rule.currency, rule.floor, rule.incident_years) == ("JPY", 2_000_000_000, 3)
    assert rule.counts.insurance is not None
    assert rule.counts.insurance.cap_share == Fraction(1, 2)
    assert rule.counts.insurance.perils == ["hack"]
    assert any("no reserve formula" in a for a in draft.assumptions)
    assert "draft" in draft.status


def test_eu_mica_figures() -> None:
    rule = _rule("eu-mica", "own-funds")
    assert isinstance(rule, OwnFunds)
    assert rule.currency == "EUR"
    assert rule.class_minimums == [50_000, 125_000, 150_000]
    assert rule.overhead_share == Fraction(1, 4)
    assert rule.counts.insurance is not None
    assert (rule.counts.insurance.min_term_years, rule.counts.insurance.min_notice_days) == (1, 90)


def test_hk_and_kr_reserve_figures() -> None:
    hk = _rule("hk-sfc", "compensation")
    assert isinstance(hk, Compensation)
    assert (hk.cold_share, hk.hot_share) == (Fraction(1, 2), 1)
    assert "trust" in hk.counts.cash_held_at and "bank-guarantee" in hk.counts.cash_held_at
    kr = _rule("kr", "hot-reserve")
    assert isinstance(kr, HotReserve) and kr.rate == Fraction(5, 100)


GOOD = """format = "por-policy-v1"
id = "mine"
title = "Mine"
status = "internal"
[[rules]]
kind = "coverage"
min_ratio = "1.05"
"""


def test_a_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD + '\n[[rules]]\nkind = "cold-share"\nbasis = "value"\nmin_cold = "0.5"\n')
    policy = load_policy(str(path))
    assert policy.source == str(path)
    assert [r.kind for r in policy.rules] == ["coverage", "cold-share"]


def test_a_policy_file_extending_a_preset(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    text = GOOD.replace('status = "internal"', 'status = "internal"\nextends = "sg-mas"')
    path.write_text(
        text.replace(
            'kind = "coverage"\nmin_ratio = "1.05"',
            'kind = "hot-reserve"\nrate = "0.1"\n[rules.counts]',
        )
    )
    assert [r.kind for r in load_policy(str(path)).rules] == [
        "coverage",
        "cold-share",
        "hot-reserve",
    ]


@pytest.mark.parametrize(
    "text, field, problem",
    [
        (GOOD.replace('"1.05"', "1.05"), "rules[0].coverage.min_ratio", "decimal string"),
        (GOOD.replace('"1.05"', '"1,05"'), "rules[0].coverage.min_ratio", "plain decimal"),
        (GOOD.replace('"coverage"', '"solvency"'), "rules[0]", "does not match"),
        (
            GOOD.replace('min_ratio = "1.05"', 'min_ratio = "1"\nmax = "2"'),
            "rules[0].coverage.max",
            "unknown field",
        ),
        (
            GOOD.replace(
                'kind = "coverage"\nmin_ratio = "1.05"',
                'kind = "cold-share"\nbasis = "value"\nmin_cold = "1.5"',
            ),
            "rules[0].cold-share",
            "at most 1",
        ),
        (
            GOOD.replace(
                'kind = "coverage"\nmin_ratio = "1.05"',
                'kind = "cold-share"\nbasis = "value"\nmin_cold = "0.5"\nmax_hot = "0.5"',
            ),
            "rules[0].cold-share",
            "exactly one of min_cold and max_hot",
        ),
        (GOOD.replace('id = "mine"', 'id = "Mine!"'), "id", "pattern"),
        (GOOD.replace('title = "Mine"\n', ""), "title", "required field is missing"),
        (GOOD.split("[[rules]]")[0], "rules", "checks nothing"),
        (GOOD + '[[rules]]\nkind = "coverage"\nmin_ratio = "1"\n', "rules", "two rules"),
        (
            GOOD.replace('status = "internal"', 'status = "x"\nextends = "moon"'),
            "extends",
            "not a preset",
        ),
        ("format = ", None, "not TOML"),
    ],
)
def test_bad_policy_files(tmp_path: Path, text: str, field: str | None, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as e:
        load_policy(str(path))
    assert e.value.source == str(path)
    assert e.value.field == field
    assert problem in e.value.problem
    assert "\n" not in str(e.value)


def test_neither_a_preset_nor_a_file() -> None:
    with pytest.raises(OptionError) as e:
        load_policy("jp-psa-2099")
    # The domain names its parameter; the CLI writes it as --policy.
    assert e.value.parameter == "policy"
    assert "jp-psa" in e.value.problem  # it lists the presets
