"""Every export opens in a real reader; the annex PDF holds the expected contributions."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime

import openpyxl
import pytest
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.contract import annual_report
from participation.contract import services as contract_services
from participation.contract.models import ContributionStatus, OpinionPosition
from participation.extensions import db
from tests import factories


def _ods_rows(data: bytes) -> list[list[str]]:
    document = load_ods(io.BytesIO(data))
    sheet = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in sheet.getElementsByType(TableRow):
        rows.append(["".join(str(p) for p in cell.getElementsByType(P)) for cell in row.getElementsByType(TableCell)])
    return rows


@pytest.fixture
def filled(roles, contract, node_of):
    author = factories.make_user(name="Samia R.")
    bench = factories.make_contribution(roles.conseil, title="Des bancs au square ; « vite »", author=author,
                                        occurred_at=datetime(2025, 4, 2, 9, tzinfo=UTC))
    contract_services.link_to_node(bench, node_of("1.1.1.b"), actor=roles.project_lead)
    contract_services.change_status(bench, ContributionStatus.retained, actor=roles.project_lead)
    contract_services.answer(bench, "Posés en juin.", actor=roles.project_lead)
    factories.make_contribution(roles.other_conseil, title="=HYPERLINK(\"http://evil\")",
                                occurred_at=datetime(2025, 5, 2, 9, tzinfo=UTC))
    round_ = annual_report.open_round(2025, date(2026, 3, 20), actor=roles.project_lead,
                                      now=datetime(2026, 2, 1, tzinfo=UTC))
    annual_report.record_opinion(round_, roles.conseil, annual_report.OpinionData(
        position=OpinionPosition.reserved, majority_text="Avis réservé sur l'éclairage.",
        dissenting_views="Trois membres voulaient un avis défavorable.",
        observations="Éclairer le passage des Tilleuls."), actor=roles.animator,
        now=datetime(2026, 3, 1, tzinfo=UTC))
    db.session.commit()
    return bench


TABLES = ["contributions", "chronologies", "contrat", "avis"]


@pytest.mark.parametrize("table", TABLES)
def test_every_table_in_every_format_opens(filled, signed_in, roles, table):
    client = signed_in(roles.project_lead)
    french = client.get(f"/pilotage/exports/{table}.csv")
    assert french.status_code == 200 and french.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(french.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)
    open_data = client.get(f"/pilotage/exports/{table}.csv-opendata").data
    assert not open_data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(open_data.decode("utf-8"))))[1:] != []
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/pilotage/exports/{table}.xlsx").data))
    assert workbook.active.max_row == len(rows)
    assert len(_ods_rows(client.get(f"/pilotage/exports/{table}.ods").data)) == len(rows)
    assert len(json.loads(client.get(f"/pilotage/exports/{table}.json").data)) == len(rows) - 1


def test_contributions_export_content(filled, signed_in, roles):
    data = signed_in(roles.project_lead).get("/pilotage/exports/contributions.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    bench = next(r for r in rows if r["Numéro"] == str(filled.id))
    assert bench["Titre"] == "Des bancs au square ; « vite »" and bench["Statut"] == "Retenue"
    assert bench["Reçue le"] == "02/04/2025 11:00" and "1.1.1.b" in bench["Éléments du contrat"]
    assert any(r["Titre"].startswith("'=") for r in rows)  # formula neutralised
    assert "Samia" not in data  # no personal data in this one


def test_personal_exports_need_the_chef_de_projet_and_are_logged(filled, signed_in, roles):
    assert signed_in(roles.animator).get("/pilotage/exports/chronologies.csv").status_code == 403
    response = signed_in(roles.project_lead).get("/pilotage/exports/chronologies.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert "Samia R." in [cell.value for row in sheet.iter_rows() for cell in row]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export.personal_data"))
    assert entry.actor_id == roles.project_lead.id and entry.details == {"table": "chronologies", "format": "xlsx"}


def test_animators_export_only_their_conseils(filled, signed_in, roles):
    data = signed_in(roles.other_animator).get("/pilotage/exports/contributions.json").data
    titles = [row["title"] for row in json.loads(data)]
    assert titles == ['=HYPERLINK("http://evil")']


def test_annex_ods_and_pdf(filled, signed_in, roles, tmp_path):
    client = signed_in(roles.project_lead)
    rows = _ods_rows(client.get("/pilotage/rapport-annuel/2025/annexe.ods").data)
    texts = [" ".join(row) for row in rows]
    assert any("Trois membres voulaient un avis défavorable." in t for t in texts)
    assert any("Des bancs au square" in t and "Posés en juin." in t for t in texts)
    response = client.get("/pilotage/rapport-annuel/2025/annexe.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "annexe.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for expected in ("Des bancs au square ; « vite »", "Posés en juin.", roles.conseil.name,
                     "Trois membres voulaient un avis défavorable.", "Éclairer le passage des Tilleuls.",
                     "Favorable avec réserves", f"n° {filled.id}"):
        assert expected in flat, expected
    assert signed_in(roles.animator).get("/pilotage/rapport-annuel/2025/annexe.pdf").status_code == 403


def test_libreoffice_converts_an_export(filled, signed_in, roles, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("BROWSER_TESTS", "").lower() == "required":
            pytest.fail("LibreOffice (Debian's libreoffice-calc-nogui) is required but soffice is missing")
        pytest.skip("LibreOffice is not installed")
    client = signed_in(roles.project_lead)
    for name, url in (("contributions.xlsx", "/pilotage/exports/contributions.xlsx"),
                      ("annexe.ods", "/pilotage/rapport-annuel/2025/annexe.ods")):
        (tmp_path / name).write_bytes(client.get(url).data)
        result = subprocess.run(
            [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
             "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76", "--outdir", str(tmp_path / "out"),
             str(tmp_path / name)], capture_output=True, text=True, timeout=180)
        converted = tmp_path / "out" / (name.rsplit(".", 1)[0] + ".csv")
        assert converted.exists(), result.stderr
        content = converted.read_text(encoding="utf-8")
        assert "Des bancs au square" in content
