"""Load the reference dataset (BENCH.md) at a chosen scale into a PostgreSQL (or SQLite) database.

    .venv/bin/python -m bench.generate --database-url postgresql://postgres@127.0.0.1/participation_bench --scale 1

The schema is rebuilt from scratch, the territory (users, QPV, conseils, members) is bulk-inserted,
then every ``bench/capabilities/<name>.py`` adds its data; the loaded data is checked against the
same invariants as the tests and the database is vacuumed and ANALYZEd. What the runner needs is saved to
bench/results/dataset.json.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta

from sqlalchemy import insert, text

from bench.common import BENCH_PASSWORD, DEFAULT_DATABASE_URL, GenerationContext, capability_modules, save_facts


def _bulk(model, rows: list[dict], chunk: int = 5000) -> None:
    from participation.extensions import db

    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[start:start + chunk])


def generate_territory(ctx: GenerationContext) -> None:
    """Users (1 in 5 with a quartier, 1 in 10 member of a conseil), 16 QPV, 8 conseils, animators."""
    from participation.accounts.models import Gender, PlatformRole, RoleGrant, User
    from participation.accounts.services import hash_password
    from participation.db import utcnow
    from participation.extensions import db
    from participation.territory.models import (
        QPV,
        AnimatorAssignment,
        College,
        Conseil,
        ConseilQPV,
        Membership,
        QPVCommune,
        Seat,
    )

    rng, now = ctx.rng, utcnow()
    qpv_rows = [{"id": i, "code": f"QN099{i:02d}{chr(65 + i % 26)}", "name": f"Quartier {i}", "department_code": "099",
                 "epci_name": "Agglomération de Val-de-Lys", "imported_at": now} for i in range(1, 17)]
    _bulk(QPV, qpv_rows)
    _bulk(QPVCommune, [{"qpv_id": q["id"], "insee_code": "99101", "name": "Val-sur-Lys", "position": 0}
                       for q in qpv_rows])
    ctx.qpv_ids = [q["id"] for q in qpv_rows]
    conseils = [{"id": i, "slug": f"conseil-{i}", "name": f"Conseil citoyen {i}", "description": "Conseil de test.",
                 "description_html": "<p>Conseil de test.</p>", "habitants_drawn_by_lot": True, "created_at": now}
                for i in range(1, 9)]
    _bulk(Conseil, conseils)
    _bulk(ConseilQPV, [{"conseil_id": (q - 1) // 2 + 1, "qpv_id": q} for q in ctx.qpv_ids])
    ctx.conseil_ids = [c["id"] for c in conseils]

    password_hash = hash_password(BENCH_PASSWORD)
    n_users = ctx.n(20_000)
    genders = [Gender.woman.value, Gender.man.value, None, None]
    users = []
    for i in range(1, n_users + 1):
        created = now - timedelta(days=rng.randint(0, 730))
        users.append({
            "id": i, "email": f"user{i}@bench.example", "password_hash": password_hash,
            "display_name": f"Habitant {i}", "locale": "fr" if i % 7 else "en",
            "qpv_id": rng.choice(ctx.qpv_ids) if i % 5 == 0 else None,
            "gender": rng.choice(genders), "birth_year": rng.randint(1940, 2010) if i % 3 == 0 else None,
            "notify_by_email": i % 4 != 0, "email_verified_at": created, "created_at": created,
            "session_token": f"bench{i:010d}",
        })
    _bulk(User, users)
    ctx.user_ids = [u["id"] for u in users]
    ctx.admin_id, ctx.project_lead_id = 1, 2
    _bulk(RoleGrant, [{"user_id": 1, "role": PlatformRole.admin.value, "granted_at": now},
                      {"user_id": 2, "role": PlatformRole.project_lead.value, "granted_at": now}])
    memberships, animators = [], []
    for index, conseil_id in enumerate(ctx.conseil_ids):
        animator = 3 + index
        animators.append({"conseil_id": conseil_id, "user_id": animator, "created_at": now})
        ctx.animator_id_by_conseil[conseil_id] = animator
    # 1 in 10 users is a member, spread over the conseils.
    for position, user_id in enumerate(range(20, n_users + 1, 10)):
        conseil_id = ctx.conseil_ids[position % len(ctx.conseil_ids)]
        college = College.habitants if user_id % 3 else College.acteurs_locaux
        memberships.append({
            "conseil_id": conseil_id, "user_id": user_id, "college": college.value,
            "seat": (Seat.titulaire if user_id % 4 else Seat.suppleant).value, "drawn_by_lot": False,
            "listed_publicly": user_id % 2 == 0, "started_on": date(2024, 9, 1), "created_at": now,
        })
        ctx.member_ids_by_conseil.setdefault(conseil_id, []).append(user_id)
    _bulk(AnimatorAssignment, animators)
    _bulk(Membership, memberships)
    db.session.flush()
    ctx.facts["territory"] = {"conseil_slug": "conseil-1", "member_email": f"user{ctx.member_ids_by_conseil[1][0]}"
                              "@bench.example", "animator_email": "user3@bench.example",
                              "project_lead_email": "user2@bench.example", "users": n_users}


def _reset_sequences() -> None:
    """Bulk inserts gave explicit ids: move PostgreSQL sequences past them."""
    from participation.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.autoincrement:
            # Table names come from our own metadata, never from input.
            statement = (f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                         f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)")
            db.session.execute(text(statement))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the reference scale of BENCH.md")
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args(argv)

    os.environ.update(DATABASE_URL=args.database_url, SECRET_KEY="bench", LOG_LEVEL="WARNING")
    from participation import create_app
    from participation.extensions import db

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        else:
            db.drop_all()
        db.create_all()
        ctx = GenerationContext(scale=args.scale, rng=random.Random(args.seed))
        generate_territory(ctx)
        db.session.commit()
        _reset_sequences()
        print(f"territory: {len(ctx.user_ids)} users, {len(ctx.conseil_ids)} conseils "
              f"({time.perf_counter() - started:.1f}s)")
        modules = list(capability_modules())
        for name, module in modules:
            step = time.perf_counter()
            module.generate(ctx)
            db.session.commit()
            _reset_sequences()
            db.session.commit()
            print(f"{name}: generated in {time.perf_counter() - step:.1f}s")
        problems = []
        for name, module in modules:
            problems += [f"{name}: {p}" for p in module.check(ctx)]
        if db.engine.dialect.name == "postgresql":
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM (ANALYZE)"))  # as autovacuum leaves a settled database
        ctx.facts["scale"] = args.scale
        save_facts(ctx.facts)
    print(f"Loaded in {time.perf_counter() - started:.1f}s")
    if problems:
        print("Invariants broken:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("Invariants hold.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
