"""The marker of a sentence a person reads, for the gettext catalogue.

It lives here, not in verifier/i18n, because chains/ imports nothing of verifier/
(data flows one way) while its adapters write sentences that reach a report (the
evidence notes among its limitations); verifier.i18n re-exports it for the domain.
Babel extracts every `N_("...")` call (babel.cfg reads chains/ and verifier/)."""


def N_(message: str) -> str:
    """Marks `message` for the catalogue; the text itself is returned as is."""
    return message
