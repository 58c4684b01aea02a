"""The Japanese catalogue is complete: every message the code and the Japanese policy
presets carry today (extracted as `pybabel extract -F babel.cfg` would) has a
translation, none fuzzy, none stale, each keeping its {fields}; and rendering every
output in Japanese asks for no message the catalogue lacks."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from rich.console import Console

from tests.tree.helpers import run
from verifier.i18n import Lang, Translator, catalogue_path, translator
from verifier.report.html_report import render_html
from verifier.report.model import Report
from verifier.report.terminal import render_terminal

ROOT = Path(__file__).resolve().parents[2]
FIELD = re.compile(r"\{(\w*)\}")


# a message by its id and its context (None for most)
Key = tuple[str, str | None]


def extracted() -> set[Key]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = extract_from_dir(str(ROOT), method_map, options_map)
    return {(str(message), context) for _file, _line, message, _comments, context in found}


def test_the_extraction_finds_the_code_and_the_presets() -> None:
    messages = extracted()
    assert ("VERDICT: {verdict} under {policy} ({tally})", None) in messages  # a renderer's _()
    assert ("{actual} is not {relation} {required}", None) in messages  # the domain's N_()
    assert ("Cash counts when held in trust or at a bank.", None) in messages  # a preset
    assert ("matching-own-crypto", "check") in messages  # a check's name
    assert ("Your balances", None) in messages  # the customer page's script
    assert ("What this page checks", None) in messages  # the customer page's HTML


def test_every_message_has_a_japanese_translation() -> None:
    with catalogue_path(Lang.JA).open("rb") as f:
        catalogue = read_po(f)
    entries = {(str(m.id), m.context): m for m in catalogue if m.id}
    messages = extracted()
    assert sorted(messages - entries.keys()) == [], "not in the ja catalogue: run pybabel update"
    assert sorted(entries.keys() - messages) == [], "stale in the ja catalogue"
    untranslated = [i for i, m in entries.items() if not m.string]
    fuzzy = [i for i, m in entries.items() if m.fuzzy]
    assert (untranslated, fuzzy) == ([], [])
    for (msgid, _context), m in entries.items():
        assert isinstance(m.string, str)
        assert set(FIELD.findall(m.string)) == set(FIELD.findall(msgid)), msgid


def test_rendering_in_japanese_misses_no_message(short_demo_report: Report) -> None:
    """A _() that the extractor cannot see (inside an f-string, say) is caught here."""
    ja = translator(Lang.JA)
    ja.missing.clear()
    html = render_html(short_demo_report, Lang.JA)
    Console(width=80, record=True).print(render_terminal(short_demo_report, Lang.JA))
    assert ja.missing == set()
    # the domain's texts too: every method and reason of the report reads in Japanese
    for c in short_demo_report.checks:
        for english in (c.method, c.reason):
            if english and re.search(r"[a-z]{4,} [a-z]{4,}", english):
                assert ja.text(english) != english, english
    assert "履行保証暗号資産" in html and "分別管理" in html


def test_domain_texts_are_translated_by_their_message_with_fields() -> None:
    ja = translator(Lang.JA)
    assert ja.text("99 BTC is not >= 100 BTC") == "99 BTC は >= 100 BTC を満たしません"
    # a composite's reason: its tally, then the parts that did not pass
    assert ja.text("2 pass, 1 fail: coverage.BTC") == "合格 2 件、不合格 1 件: coverage.BTC"
    # nested: the reasons a comparison could not be made are translated too
    assert (
        ja.text("cannot compare: no balance given; no ownership result given")
        == "比較できません: 残高がありません; 所有権の確認結果がありません"
    )


def test_a_field_takes_a_text_with_brackets_of_its_own() -> None:
    title = "Japan: FSA 2026 draft, custody rules plus a liability reserve (parametric)"
    # the preset's status as it reads since it cites the Working Group's report
    status = "draft: proposal of 2025-12-10, no formula published, figures are assumptions"
    ja = translator(Lang.JA)
    # the whole title and the whole status, each found in the catalogue
    assert ja.text(title) != title and ja.text(status) != status
    assert ja.text(f"Every rule of {title} ({status}).") == ja(
        "Every rule of {title} ({status})."
    ).format(title=ja.text(title), status=ja.text(status))


def test_text_the_catalogue_does_not_know_stays_as_written() -> None:
    ja: Translator = translator(Lang.JA)
    for english in [
        "BIP-322 simple: p2wpkh",
        "a reason nobody wrote down",
        "DMM Bitcoin 2024",
        "Payment Services Act, Art. 63-11; Cabinet Office Order, Art. 27",  # a list, untouched
    ]:
        assert ja.text(english) == english
    assert translator(Lang.EN).text("99 BTC is not >= 100 BTC") == "99 BTC is not >= 100 BTC"


def test_por_verify_in_japanese_keeps_the_json_as_it_is(tmp_path: Path) -> None:
    """--lang changes what a person reads, never the machine format."""
    demo = ROOT / "fixtures" / "demo"
    outputs = {}
    for lang in Lang:
        out = tmp_path / f"report-{lang}.json"
        r = run(
            "verify", str(demo / "attestation.json"), "--offline", str(demo / "evidence.json"),
            "--json", str(out), "--html", str(tmp_path / f"report-{lang}.html"), "--lang", lang,
        )  # fmt: skip
        assert r.exit_code == 0, r.output
        outputs[lang] = out.read_text()
        last = r.stdout.rstrip("\n").splitlines()[-1]
        assert last.startswith({Lang.EN: "VERDICT: PASS", Lang.JA: "判定: 合格"}[lang])
    assert outputs[Lang.EN] == outputs[Lang.JA]
    assert '<html lang="ja">' in (tmp_path / "report-ja.html").read_text()
    assert run("verify", str(demo / "attestation.json"), "--lang", "fr").exit_code == 2
