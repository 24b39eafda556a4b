"""Translation catalogues: extraction, update, English fill-in, checks and a git merge driver.

Messages are written in English in the code and templates (``_('...')``); French is the default
locale and is translated in ``translations/fr``. English is the source language, so its catalogue
is filled from the message ids. ``python -m participation.catalogs update`` refreshes everything;
``check`` lists what is missing; ``set fr FILE.json`` fills translations from a JSON object
{msgid: msgstr or [singular, plural]}; ``merge BASE OURS THEIRS`` is the git merge driver for .po files
(see .gitattributes), which keeps the translations of both sides instead of conflicting.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LOCALES = ("fr", "en")
SOURCE_LOCALE = "en"
KEYWORDS = ["_", "gettext", "ngettext:1,2", "_l", "lazy_gettext", "lazy_ngettext:1,2", "_n:1,2"]


def _pybabel() -> str:
    return str(Path(sys.executable).with_name("pybabel"))


def extract(output: Path) -> None:
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    subprocess.run(  # noqa: S603 - fixed arguments
        [_pybabel(), "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "--sort-output",
         "--omit-header", "--no-wrap", "--ignore-dirs", ".* node_modules instance __pycache__", *keywords,
         "-o", str(output), "."],
        check=True, cwd=ROOT,
    )


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, no_location=True, sort_output=True,
                 include_previous=False)


def update() -> None:
    """Extract, then bring both catalogues up to the template (obsolete messages are dropped)."""
    TRANSLATIONS.mkdir(exist_ok=True)
    extract(POT)
    template = read(POT)
    for locale in LOCALES:
        path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        old = read(path, locale) if path.exists() else Catalog(locale=locale)
        new = Catalog(locale=locale, project="participation", fuzzy=False)
        if path.exists():
            # Keep the plural rule the translations were written for: Babel's locale data can change it
            # (Babel 2.19 gives French a third form, for millions), which would leave every plural unfinished.
            new.mime_headers = [(name, value) for name, value in old.mime_headers if name == "Plural-Forms"]
        for message in template:
            if not message.id:
                continue
            previous = old.get(message.id, message.context)
            string = previous.string if previous is not None and not previous.fuzzy else ""
            if isinstance(message.id, tuple) != isinstance(string, tuple):
                string = ""  # singular became plural or the reverse: translate again
            if locale == SOURCE_LOCALE and not _filled(string):
                string = message.id
            new.add(message.id, string, context=message.context, flags=message.flags - {"fuzzy"},
                    auto_comments=message.auto_comments)
        write(path, new)


def _filled(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def missing(locale: str) -> list[str]:
    """Message ids of the template that the catalogue lacks, leaves empty or marks fuzzy."""
    template = read(POT)
    catalog = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        if translated is None or translated.fuzzy or not _filled(translated.string):
            problems.append(message.id if isinstance(message.id, str) else message.id[0])
    return problems


def stale_template() -> tuple[set[str], set[str]]:
    """(ids in the code missing from messages.pot, ids in messages.pot no longer in the code)."""
    with tempfile.TemporaryDirectory() as directory:
        fresh_path = Path(directory) / "fresh.pot"
        extract(fresh_path)
        fresh = {_key(m.id) for m in read(fresh_path) if m.id}
    committed = {_key(m.id) for m in read(POT) if m.id}
    return fresh - committed, committed - fresh


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def merge(base: Path, ours: Path, theirs: Path) -> int:
    """git merge driver: union of both sides' messages; on a true clash, ours wins (re-run update)."""
    ours_catalog, theirs_catalog = read(ours), read(theirs)
    for message in theirs_catalog:
        if not message.id:
            continue
        mine = ours_catalog.get(message.id, message.context)
        if mine is None:
            ours_catalog[message.id] = message
        elif not _filled(mine.string) and _filled(message.string):
            mine.string = message.string
    write(ours, ours_catalog)
    return 0


def set_translations(locale: str, source: Path) -> int:
    """Fill translations from a JSON object {msgid: msgstr, or [singular, plural] for plurals}."""
    import json

    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    catalog = read(path, locale)
    unknown = []
    for message_id, string in json.loads(source.read_text(encoding="utf-8")).items():
        message = catalog.get(message_id)
        if message is None:
            unknown.append(message_id)
            continue
        message.string = tuple(string) if isinstance(string, list) else string
        message.flags.discard("fuzzy")
    write(path, catalog)
    for message_id in unknown:
        print(f"not in the catalogue (run update first?): {message_id!r}")
    return 1 if unknown else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        return 0
    if command == "merge":
        return merge(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    if command == "set":
        return set_translations(argv[1], Path(argv[2]))
    if command == "check":
        status = 0
        for locale in LOCALES:
            for message_id in missing(locale):
                print(f"{locale}: untranslated: {message_id!r}")
                status = 1
        return status
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
