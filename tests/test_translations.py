"""Every message of the code and templates is in the template catalogue and translated in fr and en."""

from __future__ import annotations

import re

import pytest

from participation import catalogs

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_messages_pot_is_up_to_date_with_the_code():
    missing_from_pot, obsolete = catalogs.stale_template()
    assert not missing_from_pot, f"run `make translations`: not in messages.pot: {sorted(missing_from_pot)[:20]}"
    assert not obsolete, f"run `make translations`: no longer used: {sorted(obsolete)[:20]}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_every_message_is_translated(locale):
    missing = catalogs.missing(locale)
    assert not missing, f"{len(missing)} messages lack a {locale} translation, e.g. {missing[:10]}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_translations_keep_the_placeholders(locale):
    catalog = catalogs.read(catalogs.TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if not set(PLACEHOLDER.findall(string)) <= expected:
                wrong.append(ids[0])
    assert not wrong, f"placeholders differ from the English text: {wrong[:10]}"


def test_the_merge_driver_keeps_both_sides(tmp_path):
    from babel.messages.catalog import Catalog

    ours, theirs = Catalog(locale="fr"), Catalog(locale="fr")
    ours.add("Ours", "Les nôtres")
    ours.add("Shared", "")
    theirs.add("Theirs", "Les leurs")
    theirs.add("Shared", "Partagé")
    paths = [tmp_path / name for name in ("base.po", "ours.po", "theirs.po")]
    for path, catalog in zip(paths, (Catalog(locale="fr"), ours, theirs), strict=True):
        catalogs.write(path, catalog)
    catalogs.merge(*paths)
    merged = catalogs.read(paths[1], "fr")
    assert {m.id: m.string for m in merged if m.id} == {"Ours": "Les nôtres", "Theirs": "Les leurs",
                                                        "Shared": "Partagé"}


def test_update_keeps_the_plural_rule_each_catalogue_was_translated_with(tmp_path, monkeypatch):
    # Babel's locale data may change a language's plural rule (2.19 gives French a third form, for millions):
    # the update must not turn every translated plural into an unfinished one.
    from babel.messages.catalog import Catalog

    seats = ("%(num)d seat", "%(num)d seats")
    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path)
    monkeypatch.setattr(catalogs, "POT", tmp_path / "messages.pot")

    def extract(output):
        template = Catalog()
        template.add(seats)
        catalogs.write(output, template)

    monkeypatch.setattr(catalogs, "extract", extract)
    french = Catalog(locale="fr")
    french.mime_headers = [("Plural-Forms", "nplurals=2; plural=(n > 1);")]
    french.add(seats, ("%(num)d place", "%(num)d places"))
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    catalogs.write(tmp_path / "fr" / "LC_MESSAGES" / "messages.po", french)

    catalogs.update()

    updated = catalogs.read(tmp_path / "fr" / "LC_MESSAGES" / "messages.po", "fr")
    assert (updated.num_plurals, updated.plural_expr) == (2, "(n > 1)")
    assert updated.get(seats[0]).string == ("%(num)d place", "%(num)d places")
