"""The policy presets carry the figures of their regimes; bad policy files are one line."""

from fractions import Fraction
from pathlib import Path

import pytest

from tests.support.attestations import EXCHANGE_PRESETS
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
    set_figures,
)


def _rule(policy_id: str, kind: str) -> object:
    (rule,) = [r for r in load_policy(policy_id).rules if r.kind == kind]
    return rule


def test_one_preset_per_regime() -> None:
    assert presets() == [
        "ae-vara",
        "bh-cbb",
        "br-bcb",
        "eu-mica",
        "eu-mica-emt",
        "hk-sfc",
        "jp-epi",
        "jp-fsa-2026-draft",
        "jp-psa",
        "kr",
        "sg-mas",
        "th-sec",
        "uk-fca",
        "us-genius",
    ]


@pytest.mark.parametrize("name", presets())
def test_every_preset_marks_every_figure_it_sets(name: str) -> None:
    """Each figure a preset writes says whether it is law, guidance, proposal or an
    assumption, once, with a source; an assumption says why."""
    policy = load_policy(name)
    marked = [(f.rule, f.field) for f in policy.figures]
    assert sorted(marked) == sorted((r.kind, x) for r in policy.rules for x in set_figures(r))
    for f in policy.figures:
        # an assumption says that no source gives it, or that the value is the preset's;
        # a cited figure never says so
        own = "no source" in f.source.lower() or "this preset" in f.source
        assert own == (f.status == "assumption"), (f.rule, f.field, f.source)


@pytest.mark.parametrize(
    "name, field, status",
    [
        ("kr", "cold-share.average.years", "law"),
        ("kr", "cold-share.average.max_age_days", "assumption"),
        ("hk-sfc", "compensation.counts.max_term_months", "assumption"),
        ("hk-sfc", "cold-share.min_cold", "guidance"),
        ("jp-fsa-2026-draft", "liability-reserve.counts.insurance.cap_share", "assumption"),
        ("jp-fsa-2026-draft", "cold-share.max_hot", "law"),  # from jp-psa, which it extends
        ("th-sec", "cold-share.min_cold", "law"),
        ("br-bcb", "coverage.min_ratio", "law"),
        ("uk-fca", "own-funds.overhead_share", "proposal"),
    ],
)
def test_figure_status(name: str, field: str, status: str) -> None:
    rule, _, path = field.partition(".")
    (fig,) = [f for f in load_policy(name).figures if (f.rule, f.field) == (rule, path)]
    assert fig.status == status


def test_jp_draft_cites_the_working_group_report() -> None:
    draft = load_policy("jp-fsa-2026-draft")
    assert any(
        "2025-12-10" in s and "Financial Instruments and Exchange Act" in s for s in draft.sources
    )
    assert any("50%" in a and "no source" in a for a in draft.assumptions)


def test_uk_fca_is_a_proposal_that_starts_in_october_2027() -> None:
    uk = load_policy("uk-fca")
    assert "proposal" in uk.status and "2027-10-25" in uk.status
    rule = _rule("uk-fca", "own-funds")
    assert isinstance(rule, OwnFunds)
    assert (rule.currency, rule.class_minimums, rule.overhead_share) == (
        "GBP",
        [150_000],
        Fraction(1, 4),
    )
    assert rule.counts.insurance is None  # insurance is not own funds
    assert any("K-factor" in x for x in uk.not_checked)


def test_hk_counts_escrow_and_pooled_deposits_of_six_months_and_says_what_a_snapshot_misses() -> (
    None
):
    hk = load_policy("hk-sfc")
    rule = _rule("hk-sfc", "compensation")
    assert isinstance(rule, Compensation)
    assert {"escrow", "pooled"} <= set(rule.counts.cash_held_at)
    assert "bank" not in rule.counts.cash_held_at
    assert rule.counts.max_term_months == 6
    assert any("daily" in x for x in hk.not_checked)


@pytest.mark.parametrize("name", EXCHANGE_PRESETS)
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
        ("th-sec", "value", Fraction(90, 100), None),
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


def test_kr_values_at_the_one_year_average_checked_monthly() -> None:
    for kind in ("cold-share", "hot-reserve"):
        rule = _rule("kr", kind)
        assert isinstance(rule, ColdShare | HotReserve) and rule.average is not None
        assert (rule.average.years, rule.average.max_age_days) == (1, 31)


GOOD = """format = "por-policy-v1"
id = "mine"
title = "Mine"
status = "internal"
[[rules]]
kind = "coverage"
min_ratio = "1.05"
"""

FIGURE = '[[figures]]\nrule = "{rule}"\nfield = "{field}"\nstatus = "{status}"\nsource = "s"\n'


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
        (
            GOOD + FIGURE.format(rule="cold-share", field="min_cold", status="law"),
            "figures[0].rule",
            "no rule of kind 'cold-share'",
        ),
        (
            GOOD + FIGURE.format(rule="coverage", field="max_ratio", status="law"),
            "figures[0].field",
            "coverage has no 'max_ratio'",
        ),
        (
            GOOD + 2 * FIGURE.format(rule="coverage", field="min_ratio", status="law"),
            "figures[1]",
            "marked twice",
        ),
        (
            GOOD + FIGURE.format(rule="coverage", field="min_ratio", status="rumour"),
            "figures[0].status",
            "law",
        ),
        (
            GOOD.replace('status = "internal"', 'status = "x"\nextends = "jp-psa"').replace(
                'kind = "coverage"\nmin_ratio = "1.05"',
                'kind = "hot-reserve"\nrate = "0.1"\n[rules.counts]',
            )
            + FIGURE.format(rule="cold-share", field="max_hot", status="proposal"),
            "figures[0]",
            "cold-share.max_hot is marked twice",
        ),
        (
            GOOD.replace(
                'kind = "coverage"\nmin_ratio = "1.05"',
                'kind = "cold-share"\nbasis = "per-asset"\nmin_cold = "0.5"\n'
                "[rules.average]\nyears = 1\nmax_age_days = 31",
            ),
            "rules[0].cold-share",
            'need basis "value"',
        ),
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
