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


# --- German on every screen --------------------------------------------------------------------


def _english_phrases() -> tuple[set[str], set[str]]:
    """The catalogue's English texts that German must not show: (phrases of two words or
    more, looked for anywhere on screen; single words, looked for in the frame's own lines,
    the header and the key bar, since portal data on screen is English and has words)."""
    catalogue = _catalogue()
    german = " ".join(entry.string for entry in catalogue if entry.id and isinstance(entry.string, str))
    phrases, words = set(), set()
    for entry in catalogue:
        if not entry.id or not isinstance(entry.id, str) or entry.id == entry.string:
            continue
        for piece in re.split(r"\{[^}]*\}|\n", entry.id):
            piece = piece.strip(" ·:—–()[].,?;")
            if not re.search(r"[A-Za-z]{3}", piece) or piece in german:
                continue  # a name, a key, or the same in German ("Status", "Tickets")
            (phrases if " " in piece and len(piece) >= 8 else words).add(piece)
    return phrases, words


def _found(phrases: set[str], text: str) -> list[str]:
    return sorted(p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text))


_PHRASES: tuple[set[str], set[str]] | None = None


def _check(app, where: str) -> None:  # noqa: ANN001
    global _PHRASES
    if _PHRASES is None:
        _PHRASES = _english_phrases()
    phrases, words = _PHRASES
    text = screen_text(app)
    lines = text.splitlines()
    frame = "\n".join(lines[:1] + lines[-3:])
    english = _found(phrases, text) + _found(words, frame)
    assert not english, f"English on the German {where}: {english}\n{text}"


async def test_every_screen_is_german_for_a_german_customer(make_app, demo_service) -> None:
    from hostui.frame.action_menu import ActionMenuScreen
    from hostui.frame.help import HelpScreen
    from hostui.screens.invoices.view import InvoiceViewScreen
    from hostui.screens.settings import SettingsScreen
    from hostui.screens.tickets.new_ticket import NewTicketScreen
    from hostui.screens.tickets.thread import ThreadScreen
    from orders_helpers import first_server, open_server

    row, _server = await first_server(demo_service, lambda order, server: True)
    await demo_service.set_language("de")
    try:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert current_language() == "de"
            _check(app, "invoice list")
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, InvoiceViewScreen))
            _check(app, "invoice view")
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot, lambda: isinstance(app.screen, ActionMenuScreen))
            _check(app, "Actions menu")
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
            _check(app, "help")
            await pilot.press("escape")
            await pilot.press("2")
            await settle(pilot)
            _check(app, "order list")
            await open_server(pilot, row)
            for tab in ("details", "network", "traffic"):
                _check(app, f"server screen ({tab})")
                await pilot.press("right_square_bracket")
                await settle(pilot)
            await pilot.press("escape")
            await pilot.press("3")
            await settle(pilot)
            _check(app, "ticket list")
            # The cells too, which are no catalogue phrases: status, priority, who spoke last.
            cells = {word for line in screen_text(app).splitlines()[4:-4] for word in line.split()}
            assert not cells & {"open", "closed", "high", "you", "support"}, cells
            assert cells & {"Sie", "Support"} and cells & {"offen", "geschlossen"}, cells
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, ThreadScreen) and app.screen.ticket is not None)
            _check(app, "ticket thread")
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot, lambda: isinstance(app.screen, NewTicketScreen))
            _check(app, "new-ticket form")
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("4")
            await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.settings is not None)
            for tab in ("renewal", "money", "mailboxes", "security", "profile"):
                _check(app, f"Settings ({tab})")
                if tab == "money":
                    assert "0,9400" in screen_text(app)  # the rates read German too
                await pilot.press("right_square_bracket")
                await settle(pilot)
    finally:
        await demo_service.set_language("en")


# --- switching without a restart ---------------------------------------------------------------


async def _choose_language(pilot, code: str) -> None:  # noqa: ANN001
    from textual.widgets import OptionList

    from hostui.screens.settings.dialogs import ChoiceDialog

    await pilot.press("l")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))
    dialog = pilot.app.screen
    dialog.query_one("#choices", OptionList).highlighted = [value for value, _label in dialog.options].index(code)
    await pilot.press("enter")


async def test_the_settings_key_switches_the_language_without_a_restart(make_app, demo_service) -> None:
    from textual.widgets import TabbedContent

    from hostui.screens.settings import SettingsScreen

    app = make_app()
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert screen_text(app).splitlines()[0].lstrip().startswith("1 Invoices")
            await pilot.press("4")
            await settle(pilot, lambda: isinstance(app.screen, SettingsScreen) and app.screen.settings is not None)
            await pilot.press("right_square_bracket")  # Money & language: its keys work there
            await settle(pilot)
            await _choose_language(pilot, "de")
            await wait_for(pilot, lambda: "Einstellungen" in screen_text(app).splitlines()[0])
            await settle(pilot)
            header = screen_text(app).splitlines()[0]
            assert "1 Rechnungen" in header and "2 Aufträge" in header and "4 Einstellungen" in header
            # Still in Settings, on the same tab, now in German; the other sections follow.
            assert isinstance(app.screen, SettingsScreen) and app.current_mode == "settings"
            assert app.screen.query_one(TabbedContent).active == "money-tab"
            assert "Sprache geändert." in [str(n.message) for n in app._notifications]
            await pilot.press("1")
            await settle(pilot)
            assert "Offen" in screen_text(app) and "Bezahlen" in screen_text(app)
            await pilot.press("4")
            await settle(pilot, lambda: app.screen.settings is not None)
            await _choose_language(pilot, "en")
            await wait_for(pilot, lambda: "Settings" in screen_text(app).splitlines()[0])
            await settle(pilot)
            assert screen_text(app).splitlines()[0].lstrip().startswith("1 Invoices")
            assert current_language() == "en"
    finally:
        await demo_service.set_language("en")
