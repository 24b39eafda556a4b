from __future__ import annotations

from participation.accounts.models import User
from participation.extensions import db
from participation.territory.models import QPV, Conseil, Membership


def test_demo_load_is_idempotent_and_fills_the_territory(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "participation-demo" in first.output
    counts = (db.session.query(User).count(), db.session.query(Conseil).count(), db.session.query(QPV).count(),
              db.session.query(Membership).count())
    assert counts[1:3] == (2, 3)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert (db.session.query(User).count(), db.session.query(Conseil).count(), db.session.query(QPV).count(),
            db.session.query(Membership).count()) == counts


def test_users_create_and_qpv_import(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Admin@Example.org", "--name", "Admin",
                                 "--password", "a long enough password", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="admin@example.org").one().is_admin
    again = runner.invoke(args=["users", "create", "--email", "admin@example.org", "--name", "X",
                                "--password", "a long enough password"])
    assert again.exit_code == 1
    csv_file = tmp_path / "qpv.csv"
    csv_file.write_text("code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci\n"
                        "QN06001M;Les Hauts;32;HdF;60;Oise;60175;Creil;200067759;CA\nbad;;;;;;;;;\n", encoding="utf-8")
    failed = runner.invoke(args=["qpv", "import", str(csv_file)])
    assert failed.exit_code == 1 and "line 3" in failed.output
    assert db.session.query(QPV).count() == 0
    csv_file.write_text("code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci\n"
                        "QN06001M;Les Hauts;32;HdF;60;Oise;60175;Creil;200067759;CA\n", encoding="utf-8")
    ok = runner.invoke(args=["qpv", "import", str(csv_file)])
    assert ok.exit_code == 0 and db.session.query(QPV).count() == 1
