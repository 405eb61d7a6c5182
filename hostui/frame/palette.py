"""The command palette's object commands: "Pay invoice NH-000193", from the action table.

Offered on every screen that shows objects (a paged list, a detail view): the actions the
domain allows for the highlighted object, and, when the typed text names another object
("pay 150", "NH-000150"), that object's actions too, found through the service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from hostui.i18n import _

if TYPE_CHECKING:
    from hostui.frame.object_screen import ObjectScreen

__all__ = ["ObjectCommands"]

# Something that names an object by number: "150", "NH-000150", "nh150".
_OBJECT_LABEL = re.compile(r"[A-Za-z]{0,4}-?\d{1,12}")


class ObjectCommands(Provider):
    """Needs a screen with ``TABLE``, ``selected()``, ``run_object_action()`` and ``find()``."""

    @property
    def _screen(self) -> ObjectScreen:
        # Only ObjectScreen lists COMMANDS = {ObjectCommands}: the palette opens over one.
        return cast("ObjectScreen", self.screen)

    def _commands(self, row: Any) -> list[tuple[str, str, Callable[[], None]]]:
        screen = self._screen
        table = screen.TABLE
        return [
            (table.command_title(action, row), _(action.help), partial(screen.run_object_action, action.id, row))
            for action in table
            if table.state(row, action.id).enabled
        ]

    def _highlighted(self) -> Any:
        return self._screen.selected()

    async def discover(self) -> Hits:
        row = self._highlighted()
        if row is None:
            return
        for title, help_text, callback in self._commands(row):
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        rows = []
        highlighted = self._highlighted()
        if highlighted is not None:
            rows.append(highlighted)
        label = _OBJECT_LABEL.search(query)
        if label is not None:
            try:
                found = await self._screen.find(label.group())
            except Exception:  # noqa: BLE001 - a failed lookup just offers nothing more
                found = None
            if found is not None and (highlighted is None or found.id != highlighted.id):
                rows.append(found)
        words = [self.matcher(word) for word in query.split()] or [matcher]
        for row in rows:
            for title, help_text, callback in self._commands(row):
                # Every word somewhere, in any order: "pdf 150" finds "Download invoice NH-000150 (PDF)".
                scores = [word.match(title) for word in words]
                if all(score > 0 for score in scores):
                    score = matcher.match(title) or sum(scores) / (2 * len(scores))
                    yield Hit(score, matcher.highlight(title) if matcher.match(title) else title, callback, help=help_text)
