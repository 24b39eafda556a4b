"""Kept public pages: versions per family, raised at the commit, and a bounded store per process."""

from __future__ import annotations

from sqlalchemy import func, update

from participation import page_cache
from participation.extensions import db


def test_values_are_kept_per_family_version_and_key(app, roles):
    built = []

    def build(value):
        return lambda: built.append(value) or value

    with app.test_request_context():
        assert page_cache.kept("minutes", "a", build(1)) == 1
        assert page_cache.kept("minutes", "a", build(2)) == 1  # kept
        assert page_cache.kept("contract", "a", build(3)) == 3  # another family
        roles.conseil.name = "Conseil renommé"  # both families show conseil names
        db.session.commit()
        assert page_cache.kept("minutes", "a", build(4)) == 4
        assert page_cache.kept("contract", "a", build(5)) == 5
    assert built == [1, 3, 4, 5]


def test_a_watched_column_raises_the_version_and_the_others_do_not(app, roles):
    before = page_cache.current_version("minutes")
    roles.member.last_login_at = roles.member.created_at
    db.session.commit()
    assert page_cache.current_version("minutes") == before
    roles.member.display_name = "Awa D."
    db.session.commit()
    assert page_cache.current_version("minutes") == before + 1


def test_an_update_statement_counts_for_the_columns_it_sets(app, roles):
    """An UPDATE run through the session (a counter, say) raises the families that watch one of the columns it
    sets, or the whole table; not those that watch other columns."""
    from participation.accounts.models import User

    before = page_cache.current_version("minutes")
    db.session.execute(update(User).where(User.id == roles.member.id).values(last_login_at=func.now()))
    db.session.commit()
    assert page_cache.current_version("minutes") == before
    db.session.execute(update(User).where(User.id == roles.member.id).values({"display_name": "Awa D."}))
    db.session.commit()
    assert page_cache.current_version("minutes") == before + 1
    db.session.execute(update(User.__table__).where(User.id == roles.member.id).values(deleted_at=func.now()))
    db.session.commit()
    assert page_cache.current_version("minutes") == before + 2


def test_the_store_is_bounded_per_family(app, monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_KEPT", 3)
    with app.test_request_context():
        page_cache.kept("contract", "page", lambda: "contrat")
        for key in range(10):
            page_cache.kept("minutes", key, lambda key=key: key)
        store = app.extensions[page_cache.EXTENSION]
        assert list(store.families["minutes"][1]) == [7, 8, 9]
        assert page_cache.kept("contract", "page", lambda: "computed again") == "contrat"  # not pushed out


def test_a_family_can_keep_more_values(app, monkeypatch):
    monkeypatch.setattr(page_cache, "MAX_KEPT", 3)
    monkeypatch.setitem(page_cache._LIMITS, "cards", 5)
    with app.test_request_context():
        for key in range(10):
            page_cache.kept("cards", key, lambda key=key: key)
        assert list(app.extensions[page_cache.EXTENSION].families["cards"][1]) == [5, 6, 7, 8, 9]


def test_versions_are_read_together(app, roles):
    from participation.sqlcount import count_statements

    roles.conseil.name = "Conseil renommé"  # raises the minutes' and the contract's versions
    db.session.commit()
    with count_statements() as counter:
        versions = page_cache.current_versions("minutes", "contract", "never-changed")
    assert counter.count == 1
    assert versions == {"minutes": page_cache.current_version("minutes"),
                        "contract": page_cache.current_version("contract"), "never-changed": 0}
    assert versions["minutes"] > 0


def test_a_value_built_for_an_older_version_does_not_replace_the_newer_ones(app):
    with app.test_request_context():
        assert page_cache.kept_at("minutes", 5, "a", lambda: "new") == "new"
        assert page_cache.kept_at("minutes", 4, "a", lambda: "old") == "old"  # a request that read before
        assert page_cache.kept_at("minutes", 5, "a", lambda: "built again") == "new"
