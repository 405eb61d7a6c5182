"""Write a reply: in the editor here, or in ``$EDITOR``; review it; send it.

As in aerc, nothing is sent without a review: ctrl+s shows the reply as support will read it,
then ``y`` sends, ``e`` goes back to editing, ``n`` drops it (after asking). ctrl+e opens the
text in ``$EDITOR`` (hostui steps aside and comes back). A failed send keeps the text and
says why; the idempotency key made when the screen opened goes with every attempt, so a
retry after a time-out never posts the reply twice.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar
from uuid import uuid4

from pydantic import ValidationError
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, TextArea

from backend.contract import TicketDetail, TicketReply, TicketRow
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import as_sentence, can_retry, error_line
from hostui.frame.host import host_app
from hostui.i18n import N_, _
from hostui.screens.dialogs.confirm import ConfirmScreen
from hostui.widgets.key_bar import KeyBar

__all__ = ["ReplyScreen", "validation_message"]


def validation_message(error: ValidationError) -> str:
    """The first reason pydantic gives, as the contract's validators word it."""
    first = error.errors()[0]
    message = str(first.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


class ReplyScreen(DialogScreen[TicketDetail | None]):
    DEFAULT_CSS = """
    ReplyScreen > #dialog {
        width: 100%;
        max-width: 100;
        height: 100%;
        max-height: 30;
    }
    ReplyScreen TextArea {
        height: 1fr;
    }
    ReplyScreen #review {
        height: 1fr;
        display: none;
        border: round $primary 50%;
        padding: 0 1;
    }
    ReplyScreen.-review #review {
        display: block;
    }
    ReplyScreen.-review TextArea {
        display: none;
    }
    ReplyScreen #hint {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "review", N_("Review"), id="reply.review"),
        # priority: the focused TextArea binds ctrl+e itself (to the end of the line).
        Binding("ctrl+e", "external_editor", "$EDITOR", priority=True, id="reply.editor"),
        Binding("y", "send", N_("Send"), id="reply.send"),
        Binding("e", "edit", N_("Edit"), id="reply.edit"),
        Binding("n", "drop", N_("Drop"), id="reply.drop"),
        Binding("escape", "drop", N_("Cancel"), id="reply.cancel"),
    ]

    def __init__(self, ticket: TicketRow, text: str = "") -> None:
        super().__init__()
        self.ticket = ticket
        self.initial = text
        self.idempotency_key = uuid4().hex
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(_("Reply to {number}: {subject}").format(number=self.ticket.number, subject=self.ticket.subject)), id="hint")
            yield TextArea(self.initial, id="editor", soft_wrap=True, tab_behavior="focus")
            with VerticalScroll(id="review"):
                yield Static("", id="preview")
            yield Static("", id="error", classes="dialog-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = _("Reply · {number}").format(number=self.ticket.number)
        self.query_one(TextArea).focus()

    @property
    def reviewing(self) -> bool:
        return self.has_class("-review")

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("send", "edit"):
            return (self.reviewing and not self.sending) or False
        if action in ("review", "external_editor"):
            return not self.reviewing
        if action == "drop":
            return not self.sending
        return True

    def action_review(self) -> None:
        try:
            reply = TicketReply(message=self.text)
        except ValidationError as error:
            self.show_error(as_sentence(validation_message(error).capitalize()))
            return
        self.show_error(None)
        self.query_one("#preview", Static).update(Text(reply.message))
        self.add_class("-review")
        self.query_one("#review").focus()
        self.query_one("#hint", Static).update(
            Text(_("Review: y sends it, e edits it again, n drops it."), style="bold")
        )
        self.refresh_bindings()

    def action_edit(self) -> None:
        self.remove_class("-review")
        self.query_one("#hint", Static).update(Text(_("Reply to {number}: {subject}").format(number=self.ticket.number, subject=self.ticket.subject)))
        self.query_one(TextArea).focus()
        self.refresh_bindings()

    def action_drop(self) -> None:
        if not self.text.strip():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Drop this reply? What you wrote is lost."), title=_("Drop reply"), yes=_("Drop"), no=_("Keep")),
            answered,
        )

    def action_send(self) -> None:
        self.sending = True
        self.refresh_bindings()
        self.query_one("#hint", Static).update(Text(_("Sending…"), style="bold"))
        self._send(TicketReply(message=self.text))

    @work(exclusive=True, group="ticket-reply")
    async def _send(self, reply: TicketReply) -> None:
        try:
            detail = await host_app(self).service.reply_ticket(self.ticket.id, reply, self.idempotency_key)
        except Exception as error:  # noqa: BLE001 - said here; the text stays
            self.sending = False
            message = as_sentence(error_line(error))
            if can_retry(error):
                message += _(" Press y to try again (it is posted once).")
            self.show_error(message)
            self.query_one("#hint", Static).update(Text(_("Not sent. y tries again, e edits, n drops."), style="bold"))
            self.refresh_bindings()
            return
        self.dismiss(detail)

    def action_external_editor(self) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="hostui-reply-", delete=False) as handle:
            handle.write(self.text)
            path = Path(handle.name)
        try:
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(editor), str(path)], check=False)
            except Exception as error:  # noqa: BLE001 - no terminal to hand over (a test), or no editor
                self.show_error(_("Cannot open {editor}: {error_line}").format(editor=editor, error_line=error_line(error)))
                return
            self.query_one(TextArea).text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
            self.show_error(None)
        finally:
            path.unlink(missing_ok=True)
        self.query_one(TextArea).focus()
