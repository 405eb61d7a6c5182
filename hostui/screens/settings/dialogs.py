"""The Settings dialogs: each asks for one change and makes the call itself (``FormDialog``),
so the portal's reason for a refusal is shown where the user typed, with nothing lost."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from backend.contract import (
    AccountSettings,
    CodeWordRequest,
    IpRangesRequest,
    Mailbox,
    MailboxCategory,
    MailboxRequest,
    ProfileChangeRequest,
    ProfileField,
    ServiceError,
    TicketDetail,
)
from hostui.frame.host import host_app
from hostui.i18n import N_, _
from hostui.screens.dialogs.form import FormDialog
from hostui.widgets.check_list import CheckList

__all__ = [
    "ChoiceDialog",
    "MailboxDialog",
    "CodeWordDialog",
    "IpRangesDialog",
    "ProfileChangeDialog",
    "CATEGORY_LABELS",
    "FIELD_LABELS",
]

CATEGORY_LABELS = {
    MailboxCategory.INVOICES: N_("Invoices and orders"),
    MailboxCategory.TECHNICAL: N_("Technical tickets"),
    MailboxCategory.FINANCE: N_("Finance tickets"),
    MailboxCategory.MAILINGS: N_("General mailings"),
}
FIELD_LABELS = {
    ProfileField.EMAIL: N_("E-mail"),
    ProfileField.PHONE: N_("Phone"),
    ProfileField.COUNTRY: N_("Country"),
    ProfileField.PROFILE_TYPE: N_("Profile type"),
    ProfileField.ADDRESS: N_("Postal address"),
}


def _first_reason(error: ValidationError) -> str:
    return str(error.errors()[0].get("msg", "invalid")).removeprefix("Value error, ")


class ChoiceDialog(FormDialog[AccountSettings]):
    """Choose one of a few options (currency, language); the call is ``submit_choice``."""

    DEFAULT_CSS = """
    ChoiceDialog > #dialog {
        width: 60;
    }
    ChoiceDialog OptionList {
        height: auto;
        max-height: 10;
        border: none;
        margin-top: 1;
    }
    """

    def __init__(self, title: str, question: str, options: list[tuple[str, str]], current: str, call) -> None:  # noqa: ANN001
        super().__init__()
        self.TITLE_TEXT = title
        self.question = question
        self.options = options
        self.current = current
        self.call = call

    def compose_form(self) -> Iterable[Widget]:
        yield Static(self.question, classes="dialog-line")
        yield OptionList(*(Option(label, id=value) for value, label in self.options), id="choices")

    def on_mount(self) -> None:
        super().on_mount()
        choices = self.query_one("#choices", OptionList)
        index = next((i for i, (value, _) in enumerate(self.options) if value == self.current), 0)
        choices.highlighted = index
        choices.focus()

    def _chosen(self) -> str:
        choices = self.query_one("#choices", OptionList)
        return self.options[choices.highlighted or 0][0]

    async def submit(self) -> AccountSettings:
        return await self.call(self._chosen())


class MailboxDialog(FormDialog[AccountSettings]):
    """Add or edit an alternative mailbox and the mail it receives."""

    DEFAULT_CSS = """
    MailboxDialog > #dialog {
        width: 70;
    }
    MailboxDialog CheckList {
        margin-top: 1;
    }
    """

    def __init__(self, mailbox: Mailbox | None = None) -> None:
        super().__init__()
        self.mailbox = mailbox
        self.TITLE_TEXT = _("Edit mailbox") if mailbox else _("Add mailbox")

    def compose_form(self) -> Iterable[Widget]:
        yield Static(_("The address, and which mail goes there instead of your main e-mail:"), classes="dialog-line")
        yield Input(self.mailbox.address if self.mailbox else "", placeholder="ops@example.com", id="address")
        chosen = set(self.mailbox.categories) if self.mailbox else set()
        yield CheckList(
            [(category.value, _(label), category in chosen) for category, label in CATEGORY_LABELS.items()],
            id="categories",
        )

    def _request(self) -> MailboxRequest:
        categories = [MailboxCategory(value) for value in self.query_one("#categories", CheckList).ticked]
        return MailboxRequest(address=self.query_one("#address", Input).value.strip(), categories=categories)

    def problem(self) -> str | None:
        if not self.query_one("#categories", CheckList).ticked:
            return _("Tick at least one kind of mail for this address (space ticks).")
        try:
            self._request()
        except ValidationError as error:
            field = str((error.errors()[0].get("loc") or ("",))[0])
            return _("{capitalize}: {first_reason}.").format(capitalize=field.capitalize(), first_reason=_first_reason(error)) if field else _first_reason(error)
        return None

    async def submit(self) -> AccountSettings:
        service = host_app(self).service
        if self.mailbox is None:
            return await service.add_mailbox(self._request())
        return await service.update_mailbox(self.mailbox.id, self._request())


class CodeWordDialog(FormDialog[AccountSettings]):
    """Set, change or (left empty) remove the code word; the current password proves it is you."""

    DEFAULT_CSS = """
    CodeWordDialog > #dialog {
        width: 70;
    }
    """
    TITLE_TEXT = N_("Code word")

    def compose_form(self) -> Iterable[Widget]:
        yield Static(
            _("Support and the portal ask for the code word before disabling, blocking or "
            "reinstalling a server and before changing these security settings. It is never shown. "
            "Leave both fields empty to remove it."),
            classes="dialog-line",
        )
        yield Input(placeholder=_("Your current password"), password=True, id="password")
        yield Input(placeholder=_("New code word"), password=True, max_length=128, id="code-word")
        yield Input(placeholder=_("New code word again"), password=True, max_length=128, id="again")

    def problem(self) -> str | None:
        if not self.query_one("#password", Input).value:
            return _("Type your current password.")
        if self.query_one("#code-word", Input).value != self.query_one("#again", Input).value:
            return _("The two code words differ.")
        return None

    async def submit(self) -> AccountSettings:
        return await host_app(self).service.set_code_word(
            CodeWordRequest(
                current_password=self.query_one("#password", Input).value,
                code_word=self.query_one("#code-word", Input).value,
            )
        )


class IpRangesDialog(FormDialog[AccountSettings]):
    """The addresses and ranges allowed to log in, one per line; empty allows every address.

    A list that leaves out the address in use now is refused by the portal unless confirmed:
    the dialog then says so and a second enter saves it anyway."""

    DEFAULT_CSS = """
    IpRangesDialog > #dialog {
        width: 76;
    }
    IpRangesDialog TextArea {
        height: 8;
        margin-top: 1;
    }
    """
    TITLE_TEXT = N_("Allowed IP ranges")
    SUBMIT_KEY = "ctrl+s"
    SUBMIT_TITLE = N_("Save")

    def __init__(self, settings: AccountSettings) -> None:
        super().__init__()
        self.settings = settings
        self.confirmed = False

    def compose_form(self) -> Iterable[Widget]:
        yield Static(
            Text.assemble(
                _("One address or CIDR range per line, IPv4 or IPv6 (203.0.113.0/24, 2001:db8::/48).\n"),
                _("You are connected from "), (self.settings.client_address, "bold"), ".",
            ),
            classes="dialog-line",
        )
        yield TextArea("\n".join(self.settings.allowed_ip_ranges), id="ranges", tab_behavior="focus")
        if self.settings.code_word_set:
            yield Input(placeholder=_("Your code word"), password=True, max_length=128, id="code-word")
        yield CheckList([("confirm", _("Save even if it locks out the address I use now"), False)], id="confirm")

    def _request(self) -> IpRangesRequest:
        lines = [line.strip() for line in self.query_one("#ranges", TextArea).text.splitlines()]
        code_word = self.query_one("#code-word", Input).value if self.settings.code_word_set else None
        return IpRangesRequest(
            ranges=[line for line in lines if line],
            confirm_lockout=bool(self.query_one("#confirm", CheckList).ticked),
            code_word=code_word,
        )

    def problem(self) -> str | None:
        try:
            self._request()
        except ValidationError as error:
            return _first_reason(error)
        return None

    async def submit(self) -> AccountSettings:
        try:
            return await host_app(self).service.set_ip_ranges(self._request())
        except ServiceError as error:
            if error.code == "lockout_risk":
                # The portal's reason says which address; the box is the explicit yes.
                self.query_one("#confirm", CheckList).focus()
            raise


class ProfileChangeDialog(FormDialog[TicketDetail]):
    """Profile data changes by ticket, as the portal requires: say what should change."""

    DEFAULT_CSS = """
    ProfileChangeDialog > #dialog {
        width: 76;
    }
    ProfileChangeDialog Select {
        margin-top: 1;
    }
    ProfileChangeDialog TextArea {
        height: 5;
        margin-top: 1;
    }
    """
    TITLE_TEXT = N_("Request a change")
    SUBMIT_KEY = "ctrl+s"
    SUBMIT_TITLE = N_("Open the ticket")

    def __init__(self, field: ProfileField | None = None) -> None:
        super().__init__()
        self.field = field

    def compose_form(self) -> Iterable[Widget]:
        yield Static(
            _("E-mail, phone, country, profile type and postal address are changed by support: "
            "this opens a ticket with your request."),
            classes="dialog-line",
        )
        yield Select(
            [(_(label), field.value) for field, label in FIELD_LABELS.items()],
            value=(self.field or ProfileField.EMAIL).value,
            allow_blank=False,
            id="field",
        )
        yield Input(placeholder=_("What it should be"), max_length=2000, id="value")
        yield TextArea("", id="note", tab_behavior="focus")

    def _request(self) -> ProfileChangeRequest:
        return ProfileChangeRequest(
            field=ProfileField(self.query_one("#field", Select).value),
            new_value=self.query_one("#value", Input).value,
            note=self.query_one("#note", TextArea).text,
        )

    def problem(self) -> str | None:
        try:
            self._request()
        except ValidationError as error:
            return _first_reason(error).capitalize() + "."
        return None

    async def submit(self) -> TicketDetail:
        return await host_app(self).service.request_profile_change(self._request())
