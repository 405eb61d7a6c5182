"""What the frame gives every section, seen from the Invoices section: the ?/F1 help, the
command palette, the user's keymap, dimmed keys that say why, and the one error channel."""

from __future__ import annotations

import pytest

from backend.contract import Conflict, InvoiceFilter, InvoiceStatus, ServiceUnavailable
from hostui.config import ConfigError, load_config
from hostui.frame.action_menu import ActionMenuScreen
from hostui.frame.help import HelpScreen
from hostui.screens.invoices import InvoicesScreen
from hostui.screens.invoices.actions import INVOICE_ACTIONS
from hostui.screens.invoices.payment import PaymentMethodScreen
from hostui.screens.dialogs.save_file import SaveFileScreen
from tui_helpers import (
    first_invoice,
    invoices_of,
    key_bar_text,
    notifications,
    refused_ids,
    screen_text,
    settle,
    show_invoice,
    wait_for,
)

SIZE = (80, 24)


async def _start(pilot) -> InvoicesScreen:  # noqa: ANN001
    await settle(pilot)
    assert isinstance(pilot.app.screen, InvoicesScreen)
    return pilot.app.screen


# --- ? / F1 -----------------------------------------------------------------------------------------


async def test_help_lists_the_actions_with_the_domains_reasons_and_closes(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, lambda row: bool(refused_ids(row)))
    refused = refused_ids(row, INVOICE_ACTIONS)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await _start(pilot)
        await show_invoice(pilot, row)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        group = help_screen.groups[0]
        assert group.title == f"Invoice {row.number}"
        by_description = {entry.description: entry for entry in group.entries}
        for action in INVOICE_ACTIONS:
            entry = by_description[action.help]
            assert entry.keys[0] == action.key
            if action.id in refused:
                assert not entry.enabled and entry.reason == row.action(action.id).reason
            else:
                assert entry.enabled and entry.reason is None
        text = " ".join(screen_text(app).split())
        for action_id in refused:
            assert f"(not now: {row.action(action_id).reason})" in text.replace("│ ", "").replace(" │", "")
        assert "Next / previous filter" in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # ? closes it again
        await settle(pilot)
        assert app.screen is screen


# --- the command palette -----------------------------------------------------------------------------


def _palette_commands(app) -> list[str]:  # noqa: ANN001
    from textual.command import CommandList

    commands = app.screen.query(CommandList)
    if not commands:
        return []
    return [str(getattr(option.prompt, "plain", option.prompt)) for option in commands.first().options]


async def _palette(pilot, text: str, expected: str) -> list[str]:  # noqa: ANN001
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await wait_for(pilot, lambda: any(expected in command for command in _palette_commands(pilot.app)))
    return _palette_commands(pilot.app)


async def test_palette_offers_the_highlighted_invoices_actions_and_runs_them(make_app, demo_service) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        row = screen.selected()
        assert row.action("pay").enabled
        title = INVOICE_ACTIONS.command_title(INVOICE_ACTIONS["pay"], row)
        assert title == f"Pay invoice {row.number}"
        commands = await _palette(pilot, "pay", title)
        assert commands[0].startswith(title)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        assert app.screen.row.id == row.id


async def test_palette_finds_another_invoice_by_its_number(make_app, demo_service) -> None:
    unpaid = await invoices_of(demo_service, InvoiceFilter.UNPAID)
    assert len(unpaid) >= 2
    other = unpaid[1]  # not the highlighted one
    paid = await first_invoice(demo_service, InvoiceStatus.PAID, lambda row: row.action("download").enabled)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        assert screen.selected().id != other.id
        title = f"Pay invoice {other.number}"
        commands = await _palette(pilot, f"pay {other.number}", title)
        assert not any(f"Pay invoice {screen.selected().number}" == command for command in commands)
        await pilot.press(*["down"] * next(i for i, c in enumerate(commands) if c.startswith(title)), "enter")
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        assert app.screen.row.id == other.id
        await pilot.press("escape")
        await settle(pilot)
        # "pdf 187": the number as people say it, without prefix and zeros; a paid invoice.
        digits = str(int("".join(ch for ch in paid.number if ch.isdigit())))
        download = INVOICE_ACTIONS.command_title(INVOICE_ACTIONS["download"], paid)
        commands = await _palette(pilot, f"pdf {digits}", download)
        # Only what the domain allows for that invoice is offered.
        assert not any(command.startswith(f"Pay invoice {paid.number}") for command in commands)
        await pilot.press(*["down"] * next(i for i, c in enumerate(commands) if c.startswith(download)), "enter")
        await settle(pilot)
        assert isinstance(app.screen, SaveFileScreen)
        assert paid.number in app.screen.title_text


# --- the keymap ----------------------------------------------------------------------------------------


def _write_config(tmp_path, keymap: str):  # noqa: ANN001, ANN202
    path = tmp_path / "config.toml"
    path.write_text('default_profile = "local"\n\n[keymap]\n' + keymap)
    return path


async def test_a_keymap_from_config_toml_moves_a_key_everywhere(make_app, tmp_path) -> None:
    config = load_config(_write_config(tmp_path, '"invoice.pay" = "P"\n'), create=False)
    assert config.keymap == {"invoice.pay": "P"}
    app = make_app(keymap=config.keymap)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        assert "P Pay" in key_bar_text(app) and "p Pay" not in key_bar_text(app)
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen  # p does nothing now
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        await pilot.press("escape", "a")
        await settle(pilot)
        menu = app.screen
        assert isinstance(menu, ActionMenuScreen)
        from textual.widgets import OptionList

        pay = menu.query_one(OptionList).get_option("pay")
        assert str(getattr(pay.prompt, "plain", pay.prompt)).split()[-1] == "P"
        await pilot.press("P")  # the remapped key picks it in the menu too
        await settle(pilot)
        assert isinstance(app.screen, PaymentMethodScreen)
        assert not notifications(app, "warning")


async def test_a_keymap_naming_a_binding_that_does_not_exist_is_one_warning(make_app) -> None:
    app = make_app(keymap={"invoice.pya": "P", "order.renew": "R"})
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        warnings = notifications(app, "warning")
        assert len(warnings) == 1, warnings
        assert "invoice.pya" in warnings[0] and "order.renew" not in warnings[0]
        assert "hostui keys" in warnings[0]


@pytest.mark.parametrize(
    "keymap",
    ['"invoice.pay" = 5\n', '"Pay invoice" = "P"\n', '"invoice.pay" = "P P"\n', 'keymap = "P"\n'],
    ids=["not-a-string", "not-a-binding-id", "not-keys", "nested"],
)
def test_a_bad_keymap_entry_is_a_config_error_naming_the_file(tmp_path, keymap: str) -> None:
    path = _write_config(tmp_path, keymap)
    with pytest.raises(ConfigError) as caught:
        load_config(path, create=False)
    assert str(path) in str(caught.value)
    assert "keymap" in str(caught.value)


async def test_an_unknown_binding_id_is_a_warning_toast(make_app, tmp_path) -> None:
    config = load_config(_write_config(tmp_path, '"invoice.fly" = "y"\n"invoice.pay" = "P"\n'), create=False)
    app = make_app(keymap=config.keymap)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        warnings = notifications(app, "warning")
        assert len(warnings) == 1 and "invoice.fly" in warnings[0]
        assert "invoice.pay" not in warnings[0]
        assert "P Pay" in key_bar_text(app)  # the known entry still applies


# --- dimmed keys say why -----------------------------------------------------------------------------


async def test_a_dimmed_key_says_why_it_does_nothing(make_app, demo_service) -> None:
    row = await first_invoice(demo_service, InvoiceStatus.UNPAID, lambda row: not row.action("download").enabled)
    app = make_app()
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        await show_invoice(pilot, row)
        assert "w PDF (off)" in key_bar_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is screen
        assert notifications(app, "warning") == [f"PDF: {row.action('download').reason}."]
        assert bells == [1]


# --- one error channel -------------------------------------------------------------------------------


async def test_a_reload_whose_list_and_balance_both_fail_shows_one_toast(make_app, faulty_service) -> None:
    app = make_app(faulty_service)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        down = ServiceUnavailable("cannot reach http://portal.example: connection refused")
        faulty_service.fail("list_invoices", down)
        faulty_service.fail("account", down)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(faulty_service.calls("account")) >= 2  # the balance was asked for again, and failed
        errors = notifications(app, "error")
        assert len(errors) == 1, errors
        assert errors[0] == "Cannot reach http://portal.example: connection refused.\nctrl+r reloads."


async def test_quick_filter_switches_with_the_service_down_show_one_toast(make_app, faulty_service) -> None:
    app = make_app(faulty_service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(pilot)
        faulty_service.fail("list_invoices", ServiceUnavailable("cannot reach http://portal.example: connection refused"))
        before = len(faulty_service.calls("list_invoices"))
        await pilot.press("f", "f", "f", "f")
        await settle(pilot)
        assert screen.filter_id == InvoiceFilter.UNPAID.value  # four filters on: round again
        assert len(faulty_service.calls("list_invoices")) > before
        assert len(notifications(app, "error")) == 1
        assert "Could not load unpaid invoices" in screen_text(app)


async def test_only_retryable_errors_offer_a_retry(make_app, faulty_service) -> None:
    app = make_app(faulty_service)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot)
        faulty_service.fail("list_invoices", Conflict("the invoice list is being rebuilt"))
        await pilot.press("f")
        await settle(pilot)
        final = notifications(app, "error")
        assert final == ["The invoice list is being rebuilt."]  # a refusal: no retry wording
        faulty_service.fail("list_invoices", ServiceUnavailable("the portal did not answer in time"))
        await pilot.press("f")
        await settle(pilot)
        errors = notifications(app, "error")
        assert errors[1:] == ["The portal did not answer in time.\nctrl+r reloads."]


def test_a_capped_count_reads_as_at_least():
    from hostui.widgets.status_line import page_status

    assert page_status(3, 200, 10_000, "invoice", "all", "invoices", more=True) == (
        "Page 3 of 200+ · 10,000+ invoices · all"
    )
    assert page_status(1, 1, 1, "invoice", "unpaid", "invoices") == "Page 1 of 1 · 1 invoice · unpaid"
