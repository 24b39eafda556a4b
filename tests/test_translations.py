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
