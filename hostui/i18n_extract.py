"""Keep the catalogues in step with the code: ``python -m hostui.i18n_extract``.

Extracts every ``_()``, ``N_()`` and ``ngettext()`` text of ``hostui/`` with Babel's Python
extractor and updates ``hostui/locale/<lang>/LC_MESSAGES/hostui.po``: new texts are added
untranslated, texts the code no longer has are dropped, translations are kept. Then
translate the empty msgstrs; ``tests/tui/test_i18n.py`` fails while one is empty.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from hostui.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, catalogue_path

__all__ = ["KEYWORDS", "extract", "template", "update"]

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
_PACKAGE = Path(__file__).parent
# The command-line output is not the TUI's (scripts parse it); it stays English.
_SKIP = ("commands/", "cli.py", "i18n_extract.py")


def extract() -> list[tuple[str, int, str | tuple[str, ...]]]:
    """(file, line, message) for every marked text; plural messages as (singular, plural)."""
    found = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        _PACKAGE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    ):
        if filename.replace("\\", "/").startswith(_SKIP):
            continue
        found.append((filename, lineno, message))
    return found


def template() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="hostui", charset="utf-8")
    for filename, lineno, message in extract():
        catalog.add(message, locations=[(f"hostui/{filename}", lineno)])
    return catalog


def update(language: str) -> Path:
    path = catalogue_path(language)
    if path.exists():
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, domain=DOMAIN)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(
            locale=language, domain=DOMAIN, project="hostui", charset="utf-8", fuzzy=False,
            header_comment=f"# hostui's texts in {language}; edited by hand, updated by python -m hostui.i18n_extract.",
        )
    # No fuzzy matching: a guessed translation of a similar text is wrong more often than not.
    catalog.update(template(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with path.open("wb") as po:
        # Without line numbers: every edit of a screen would otherwise touch the catalogue.
        write_po(po, catalog, width=100, include_lineno=False, include_previous=False)
    return path


def main() -> int:
    for language in LANGUAGES:
        if language != DEFAULT_LANGUAGE:
            print(update(language))
    return 0


if __name__ == "__main__":
    sys.exit(main())
