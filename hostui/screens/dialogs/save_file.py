"""Save a document from the service (quote PDF, invoice PDF, CSV export) to a file.

The document is fetched in a worker first (its file name comes from the service), then an
``Input`` offers ``<downloads directory>/<file name>`` — ``name (1).pdf`` when that file
exists already, so the suggestion never overwrites anything (``hostui.downloads``). ``enter``
writes the bytes (parent directories are created); a path the user typed that exists already
is only replaced after a yes in a confirmation. When writing fails (no permission, a directory,
a file in the way) the reason is shown inline and the dialog stays open with the document
still in memory: fix the path and press ``enter`` again. On success:
"Saved quote-NH-000123.pdf to /path" and the dialog dismisses with the path written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from backend.contract import Document
from hostui.downloads import SaveError, resolve_target, save_document, suggested_path
from hostui.frame.dialog import DialogScreen
from hostui.frame.errors import error_line
from hostui.i18n import N_, _
from hostui.widgets.key_bar import KeyBar
from hostui.screens.dialogs.confirm import ConfirmScreen

__all__ = ["SaveFileScreen", "human_size"]


def human_size(size: int) -> str:
    if size < 1024:
        return _("{size} bytes").format(size=size)
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


class SaveFileScreen(DialogScreen[Path | None]):
    """Fetch a document, ask where to save it, write it."""

    DEFAULT_CSS = """
    SaveFileScreen #prompt {
        height: auto;
        margin-bottom: 1;
    }
    SaveFileScreen #path {
        display: none;
        margin-bottom: 1;
    }
    SaveFileScreen.-ready #path {
        display: block;
    }
    SaveFileScreen #hint {
        height: auto;
        color: $text-muted;
        display: none;
    }
    SaveFileScreen.-ready #hint {
        display: block;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", N_("Save"), priority=True),
        Binding("escape", "close", N_("Cancel")),
    ]

    def __init__(
        self,
        title: str,
        fetch: Callable[[], Awaitable[Document]],
        *,
        what: str = "document",
        directory: Path | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.fetch = fetch
        self.what = what
        self.directory = directory
        self.document: Document | None = None
        self.saving = False
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Preparing the {what}…").format(what=self.what), id="prompt", markup=False)
            yield Input(id="path", select_on_focus=False, compact=True)
            yield Static("", id="error", classes="dialog-error", markup=False)
            yield Static(
                _("Type another path to save elsewhere (~ is your home). "
                "Missing directories are created."),
                id="hint",
                markup=False,
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = self.title_text
        self.load()

    @property
    def path_input(self) -> Input:
        return self.query_one("#path", Input)

    # -- fetching the document

    @work(exclusive=True, group="save-fetch")
    async def load(self) -> None:
        try:
            document = await self.fetch()
            suggestion = await asyncio.to_thread(suggested_path, document.filename, self.directory)
        except Exception as error:  # noqa: BLE001 - shown in the dialog
            self.query_one("#prompt", Static).update(_("Could not prepare the {what}.").format(what=self.what))
            self.show_error(error_line(error))
            self.refresh_bindings()
            return
        self.document = document
        self.query_one("#prompt", Static).update(
            Text.assemble(
                _("Save "),
                (document.filename, "bold"),
                _(" ({human_size}) to:").format(human_size=human_size(len(document.content))),
            )
        )
        field = self.path_input
        field.value = str(suggestion)
        field.cursor_position = len(field.value)
        self.add_class("-ready")
        field.focus()
        self.refresh_bindings()

    # -- saving

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            if self.document is None:
                return False
            return None if self.saving else True
        return True

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self, overwrite: bool = False) -> None:
        if self.document is None or self.saving:
            return
        self.saving = True
        self.path_input.disabled = True
        self.show_error(None)
        self.refresh_bindings()
        self.write(self.path_input.value, overwrite)

    @work(exclusive=True, group="save-write")
    async def write(self, text: str, overwrite: bool) -> None:
        assert self.document is not None
        try:
            path = resolve_target(text)
            written = await asyncio.to_thread(save_document, path, self.document.content, overwrite=overwrite)
        except FileExistsError:
            self._idle()
            self.app.push_screen(
                ConfirmScreen(
                    _("{path} exists already. Replace it?").format(path=path),
                    title=_("Replace file?"),
                    yes=_("Replace"),
                    no=_("Keep it"),
                ),
                self._replace_answer,
            )
            return
        except SaveError as error:
            self._idle(str(error))
            return
        except Exception as error:  # noqa: BLE001 - never a traceback; the document stays here
            self._idle(error_line(error))
            return
        self.saved_to = written
        self.notify(_("Saved {name} to {parent}").format(name=written.name, parent=written.parent), title=_("Saved"), timeout=6, markup=False)
        self.dismiss(written)

    def _replace_answer(self, replace: bool | None) -> None:
        if replace:
            self.action_save(overwrite=True)
        else:
            self.show_error(_("Not replaced: choose another name."))
            self.path_input.focus()

    def _idle(self, error: str | None = None) -> None:
        self.saving = False
        field = self.path_input
        field.disabled = False
        self.show_error(error)
        field.focus()
        self.refresh_bindings()
