"""What a check is called in a report read in Japanese: the check's id is a key for
machines ("coverage.BTC", "ownership[bc1q...]"), its family ("coverage") a message of
the catalogue in the context "check", translated like any other text."""

import re

from verifier.i18n import Lang, Translator

# an id's family: one or two lowercase words before a symbol, a chain or a locator
_FAMILY = re.compile(r"([a-z-]+)(?:\.([a-z-]+))?")


def _names(_: Translator) -> dict[str, str]:
    return {
        "liabilities.commitment": _.pgettext("check", "liabilities.commitment"),
        "snapshot": _.pgettext("check", "snapshot"),
        "snapshot.liabilities": _.pgettext("check", "snapshot.liabilities"),
        "snapshot.wallet": _.pgettext("check", "snapshot.wallet"),
        "addresses": _.pgettext("check", "addresses"),
        "addresses.unique": _.pgettext("check", "addresses.unique"),
        "addresses.segregated": _.pgettext("check", "addresses.segregated"),
        "addresses.other-entities": _.pgettext("check", "addresses.other-entities"),
        "ownership": _.pgettext("check", "ownership"),
        "balances": _.pgettext("check", "balances"),
        "balance": _.pgettext("check", "balance"),
        "policy": _.pgettext("check", "policy"),
        "policy.currency": _.pgettext("check", "policy.currency"),
        "coverage": _.pgettext("check", "coverage"),
        "cold-share": _.pgettext("check", "cold-share"),
        "matching-own-crypto": _.pgettext("check", "matching-own-crypto"),
        "liability-reserve": _.pgettext("check", "liability-reserve"),
        "own-funds": _.pgettext("check", "own-funds"),
        "compensation": _.pgettext("check", "compensation"),
        "hot-reserve": _.pgettext("check", "hot-reserve"),
        "supply": _.pgettext("check", "supply"),
        "reserves": _.pgettext("check", "reserves"),
    }


def check_name(check_id: str, _: Translator) -> str | None:
    """The name of the check `check_id` in the reader's language; None in English (the
    id reads as its name) and for a family the catalogue does not name."""
    if _.lang is Lang.EN:
        return None
    m = _FAMILY.match(check_id)
    if m is None:
        return None
    names = _names(_)
    return names.get(f"{m.group(1)}.{m.group(2)}") or names.get(m.group(1))


def figure_status(status: str, _: Translator) -> str:
    """How sure a policy's figure is (law, guidance, proposal, assumption), in the
    reader's language; the JSON keeps the English word."""
    words = {
        "law": _.pgettext("figure status", "law"),
        "guidance": _.pgettext("figure status", "guidance"),
        "proposal": _.pgettext("figure status", "proposal"),
        "assumption": _.pgettext("figure status", "assumption"),
    }
    return words.get(status, status)
