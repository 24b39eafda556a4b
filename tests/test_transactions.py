"""A request that only read commits its transaction (and keeps psycopg's prepared statements); nothing
else a request did without committing is ever kept."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, table, text, update

from participation.accounts.models import User
from participation.extensions import db
from tests.conftest import on_postgres


class RequestEnd(Exception):
    pass


@pytest.fixture
def routes(app, make_user):
    """Routes that read, or change a user and return without committing; and a count of COMMITs."""
    user = make_user(display_name="Awa")
    db.session.commit()
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda connection: commits.append(1))

    def read():
        return db.session.scalar(select(User.display_name).where(User.id == user.id))

    @app.get("/_test/read")
    def read_only():
        return read()

    @app.get("/_test/prepared")
    def prepared():
        return str(db.session.scalar(select(func.count()).select_from(table("pg_prepared_statements"))))

    @app.get("/_test/pending")
    def pending():
        read()
        db.session.add(User(display_name="Jamais enregistrée"))
        return "ok"

    @app.get("/_test/dirty")
    def dirty():
        db.session.get(User, user.id).display_name = "Changé sans commit"
        return "ok"

    @app.get("/_test/flushed")
    def flushed():
        db.session.get(User, user.id).display_name = "Écrit sans commit"
        db.session.flush()
        return "ok"

    @app.get("/_test/core-update")
    def core_update():
        db.session.execute(update(User).where(User.id == user.id).values(display_name="Mis à jour sans commit"))
        return read()

    @app.get("/_test/text-update")
    def text_update():
        db.session.execute(text("UPDATE user_account SET display_name = 'Texte' WHERE id = :id"), {"id": user.id})
        return "ok"

    @app.post("/_test/error-after-write")
    def error_after_write():
        db.session.execute(update(User).where(User.id == user.id).values(display_name="Avant l'erreur"))
        raise RequestEnd

    return user, commits


def stored_users() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(User.display_name).order_by(User.id)))


def test_a_request_that_only_read_ends_with_a_commit(client, routes):
    user, commits = routes
    assert client.get("/_test/read").text == "Awa"
    assert commits == [1]


@pytest.mark.parametrize("path", ["/_test/pending", "/_test/dirty", "/_test/flushed", "/_test/core-update",
                                  "/_test/text-update"])
def test_what_a_request_wrote_without_committing_is_never_kept(client, routes, path):
    user, commits = routes
    assert client.get(path).status_code == 200
    assert commits == []
    assert stored_users() == ["Awa"]


def test_a_request_that_failed_is_rolled_back(app, client, routes):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/_test/error-after-write").status_code == 500
    assert stored_users() == ["Awa"]
    assert routes[1] == []


@pytest.mark.skipif(not on_postgres(), reason="prepared statements are psycopg's (PostgreSQL)")
def test_statements_stay_prepared_across_read_only_requests(client, routes):
    # psycopg prepares a statement from its fifth run on a connection, and forgot all of them at each
    # rollback; the pool may alternate between two connections, hence twelve requests.
    counts = [int(client.get("/_test/prepared").text) for _ in range(12)]
    assert counts[-1] >= 1


def test_the_commit_of_a_read_only_request_expires_nothing(app, client, routes):
    # The objects a page loaded keep their values (expiring a hundred of them was wasted work, since nothing
    # changed); the session's own setting is left as it was for what comes next.
    from sqlalchemy import inspect

    user, commits = routes
    loaded: list[User] = []

    @app.get("/_test/load")
    def load():
        loaded.append(db.session.get(User, user.id))
        return loaded[0].display_name

    assert client.get("/_test/load").text == "Awa"
    assert commits == [1]
    assert not inspect(loaded[0]).expired_attributes
    assert db.session().expire_on_commit is True
