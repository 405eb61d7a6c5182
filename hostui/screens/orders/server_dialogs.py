"""The server dialogs: confirm a power action, reinstall, edit reverse DNS.

Each makes its one service call itself (``FormDialog``), so a refusal ("server busy",
"wrong code word", a reverse DNS rule) is shown where the user is, with nothing typed lost.
Every dialog carries one idempotency key, reused when the user tries again, so a retry after
a time-out never starts a second job.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import uuid4

from rich.text import Text
from textual import on, work
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from backend.contract import (
    CODE_WORD_MAX,
    CodeWordRequired,
    NetworkAddress,
    OsImageOption,
    PowerAction,
    ReinstallStarted,
    ServerDetail,
    ServerJob,
)
from hostui.frame.errors import error_line
from hostui.frame.host import host_app
from hostui.i18n import N_, _
from hostui.screens.dialogs.form import FormDialog
from hostui.screens.orders.actions import SERVER_ACTIONS

__all__ = ["PowerDialog", "ReinstallDialog", "ReverseDnsDialog", "server_name"]

_CONSEQUENCE = {
    PowerAction.REBOOT: N_("It is down for a minute or two."),
    PowerAction.DISABLE: N_("It is powered off and stays off until you enable it."),
    PowerAction.BLOCK: N_("It keeps running but is cut off the network until you enable it."),
    PowerAction.ENABLE: N_("It is powered on, or put back on the network."),
}


def server_name(server: ServerDetail) -> str:
    """"web01.example.com (203.0.113.10)": how a confirmation names the server."""
    main = next((address.address for address in server.addresses if address.version == 4), None)
    return f"{server.hostname} ({main})" if main else server.hostname


def _code_word_input() -> Input:
    return Input(placeholder=_("Your code word"), password=True, max_length=CODE_WORD_MAX, id="code-word")


class PowerDialog(FormDialog[ServerJob]):
    DEFAULT_CSS = """
    PowerDialog > #dialog {
        width: 72;
    }
    PowerDialog #code-word {
        display: none;
    }
    PowerDialog.-code-word #code-word {
        display: block;
    }
    """
    BUSY_TEXT = N_("Asking the data centre…")

    def __init__(self, server: ServerDetail, action: PowerAction) -> None:
        super().__init__()
        self.server = server
        self.action = action
        self.idempotency_key = uuid4().hex
        # A hint from the table (destructive actions are the ones that ask), not a rule: the
        # portal decides, and its CodeWordRequired answer opens the field too.
        if server.code_word_required and SERVER_ACTIONS[action.value].destructive:
            self.add_class("-code-word")

    def dialog_title(self) -> str:
        return _("{title} server").format(title=_(SERVER_ACTIONS[self.action.value].title))

    def compose_form(self) -> Iterable[Widget]:
        question = Text()
        question.append(_(SERVER_ACTIONS[self.action.value].title) + " ", style="bold")
        question.append(server_name(self.server), style="bold")
        question.append("?\n" + _(_CONSEQUENCE[self.action]))
        yield Static(question, id="question", classes="dialog-line")
        yield _code_word_input()

    def on_mount(self) -> None:
        super().on_mount()
        if not self.has_class("-code-word"):
            self.query_one("#dialog").focus()

    def problem(self) -> str | None:
        if self.has_class("-code-word") and not self.query_one("#code-word", Input).value.strip():
            return _("Type your code word: the portal asks for it before this action.")
        return None

    async def submit(self) -> ServerJob:
        code_word = self.query_one("#code-word", Input).value if self.has_class("-code-word") else None
        try:
            return await host_app(self).service.power(self.server.id, self.action, self.idempotency_key, code_word)
        except CodeWordRequired:
            self.add_class("-code-word")
            self.query_one("#code-word", Input).focus()
            raise


class ReinstallDialog(FormDialog[ReinstallStarted]):
    """Choose an image, retype the hostname (all data is erased), give the code word."""

    DEFAULT_CSS = """
    ReinstallDialog > #dialog {
        width: 76;
    }
    ReinstallDialog #images {
        height: auto;
        max-height: 8;
        border: none;
        padding: 0;
        margin-top: 1;
    }
    """
    TITLE_TEXT = N_("Reinstall server")
    BUSY_TEXT = N_("Starting the reinstall…")

    def __init__(self, server: ServerDetail) -> None:
        super().__init__()
        self.server = server
        self.idempotency_key = uuid4().hex
        self.images: list[OsImageOption] = []

    def compose_form(self) -> Iterable[Widget]:
        warning = Text()
        warning.append(_("All data on "), style="bold red")
        warning.append(server_name(self.server), style="bold red")
        warning.append(_(" is erased."), style="bold red")
        yield Static(warning, classes="dialog-line")
        yield OptionList(Option(_("Loading the images…"), disabled=True), id="images")
        yield Input(placeholder=_("Type {hostname} to confirm").format(hostname=self.server.hostname), id="hostname")
        if self.server.code_word_required:
            yield _code_word_input()

    def on_mount(self) -> None:
        super().on_mount()
        self.load_images()

    @work(exclusive=True, group="os-images")
    async def load_images(self) -> None:
        images = self.query_one("#images", OptionList)
        try:
            self.images = await host_app(self).service.os_images()
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.show_error(_("Cannot list the images: {error_line}").format(error_line=error_line(error)))
            return
        images.clear_options()
        for image in self.images:
            label = Text(image.name)
            if image.deprecated:
                label.append(_("  deprecated"), style="italic dim")
            images.add_option(Option(label, id=image.code, disabled=image.deprecated))
        images.action_first()
        images.focus()  # (it could not take the focus while it held only "Loading…")

    @on(OptionList.OptionSelected, "#images")
    def _image_chosen(self) -> None:
        self.query_one("#hostname", Input).focus()

    def _chosen(self) -> OsImageOption | None:
        images = self.query_one("#images", OptionList)
        if images.highlighted is None or not self.images:
            return None
        option = images.get_option_at_index(images.highlighted)
        return next((image for image in self.images if image.code == option.id), None)

    def problem(self) -> str | None:
        if self._chosen() is None:
            return _("Choose the operating system to install.")
        if self.query_one("#hostname", Input).value.strip() != self.server.hostname:
            return _("Type the hostname {hostname} exactly, to confirm that its data may be erased.").format(hostname=self.server.hostname)
        if self.server.code_word_required and not self.query_one("#code-word", Input).value.strip():
            return _("Type your code word: the portal asks for it before a reinstall.")
        return None

    async def submit(self) -> ReinstallStarted:
        image = self._chosen()
        assert image is not None
        code_word = self.query_one("#code-word", Input).value if self.server.code_word_required else None
        return await host_app(self).service.reinstall(
            self.server.id,
            image.code,
            self.query_one("#hostname", Input).value.strip(),
            self.idempotency_key,
            code_word,
        )


class ReverseDnsDialog(FormDialog[NetworkAddress]):
    """Set (or, left empty, reset) the reverse DNS name of one address; the portal checks it."""

    DEFAULT_CSS = """
    ReverseDnsDialog > #dialog {
        width: 76;
    }
    """
    TITLE_TEXT = N_("Reverse DNS")
    BUSY_TEXT = N_("Saving…")

    def __init__(self, server: ServerDetail, address: NetworkAddress) -> None:
        super().__init__()
        self.server = server
        self.address = address

    def compose_form(self) -> Iterable[Widget]:
        yield Static(
            Text.assemble((_("Reverse DNS of "), ""), (self.address.address, "bold"),
                          _("\nEmpty resets it to {default_reverse_dns}.").format(default_reverse_dns=self.address.default_reverse_dns)),
            classes="dialog-line",
        )
        yield Input(value=self.address.reverse_dns or "", placeholder=self.address.default_reverse_dns,
                    max_length=300, id="name")

    async def submit(self) -> NetworkAddress:
        return await host_app(self).service.set_reverse_dns(
            self.server.id, self.address.address, self.query_one("#name", Input).value
        )
