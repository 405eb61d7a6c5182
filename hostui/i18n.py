"""The TUI's language: gettext over the committed catalogues, switchable while running.

Every text a user reads is an English msgid in the code, translated when it is shown:

- ``_("Pay")`` where the text is built (a notification, a status line, a dialog);
- ``N_("Pay")`` where it is defined at import time (action tables, column titles, filters,
  binding descriptions): ``N_`` only marks it for the catalogue and returns it unchanged,
  and the code that renders it (the key bar, the help, the menu, the tabs) calls ``_()``
  on it. Translating at import would freeze the language the process started in.

The catalogues are ``hostui/locale/<lang>/LC_MESSAGES/hostui.po``, the source of truth,
read at run time (Babel parses the .po, compiles it in memory): no .mo build step, nothing
generated committed. English is the msgids themselves.

``current_language()`` also decides how amounts, dates and numbers look
(``hostui.widgets.formatting``), so they follow the language with the texts.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from backend.formatting import format_integer

__all__ = [
    "_",
    "N_",
    "ngettext",
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "set_language",
    "current_language",
    "catalogue_path",
    "number",
]

DOMAIN = "hostui"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de")
_LOCALE_DIR = Path(__file__).parent / "locale"


def catalogue_path(language: str) -> Path:
    return _LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    # Babel is imported here, not at module level: the CLI and an English session never pay for it.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    # Fuzzy entries are guesses, not translations: English is better than a wrong German.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


_language = DEFAULT_LANGUAGE
_active: gettext.NullTranslations = gettext.NullTranslations()


def set_language(code: str | None) -> str:
    """Use ``code`` from now on; a language hostui has no catalogue for means English (the
    portal may offer more languages than this client). Returns the language in use."""
    global _language, _active
    language = (code or DEFAULT_LANGUAGE).split("_")[0].split("-")[0].lower()
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _active = _translations(language)
    _language = language
    return language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    if not message:
        return message  # gettext("") is the catalogue's header
    return _active.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the conventional name of gettext's no-op marker
    """Mark ``message`` for the catalogue; it is translated later, where it is shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)


def number(value: int) -> str:
    """An integer with the language's digit grouping: 12,345 / 12.345."""
    return format_integer(value, _language)
