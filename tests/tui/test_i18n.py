"""The TUI's languages: every text in the catalogue, German on every screen, switching live.

The English texts a German screen must not show are the catalogue's own msgids (what the
code marks with ``_()``/``N_()``), not words picked by hand: portal data (invoice lines,
ticket subjects) and the portal's messages are the portal's and stay as they are.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from hostui.i18n import DOMAIN, _, catalogue_path, current_language, set_language
from hostui.i18n_extract import extract
from tui_helpers import screen_text, settle, wait_for


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    set_language("en")


def _catalogue():
    with catalogue_path("de").open("rb") as po:
        return read_po(po, locale="de", domain=DOMAIN)


# --- the catalogue -----------------------------------------------------------------------------


def test_every_marked_text_has_a_german_translation() -> None:
    catalogue = _catalogue()
    missing, fuzzy = [], []
    for filename, lineno, message in extract():
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        where = f"{filename}:{lineno} {message!r}"
        if entry is None:
            missing.append(where)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(s.strip() for s in strings):
            missing.append(where)
        if entry.fuzzy:
            fuzzy.append(where)
    assert not missing, "untranslated (python -m hostui.i18n_extract, then translate):\n" + "\n".join(missing)
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_translations_keep_their_placeholders() -> None:
    """A translation that drops or renames a {placeholder} would raise (or lose a number)
    only when shown; German may leave out a noun it cannot inflect, nothing else."""
    optional = {"noun"}
    bad = []
    for entry in _catalogue():
        if not entry.id or not isinstance(entry.id, str):
            continue
        wanted = set(re.findall(r"\{(\w+)", entry.id))
        got = set(re.findall(r"\{(\w+)", entry.string))
        if got - wanted or (wanted - got) - optional:
            bad.append(f"{entry.id!r} -> {entry.string!r}")
        else:
            entry.string.format(**{name: "x" for name in wanted})  # well-formed
    assert not bad, "\n".join(bad)


def test_switching_language_translates_marked_texts_and_back() -> None:
    set_language("de")
    assert current_language() == "de"
    assert _("Invoices") == "Rechnungen"
    set_language("fr")  # the portal may offer more languages than hostui has catalogues for
    assert current_language() == "en"
    assert _("Invoices") == "Invoices"


def test_no_compiled_catalogue_is_committed() -> None:
    assert not list(catalogue_path("de").parent.glob("*.mo"))
