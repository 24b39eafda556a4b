"""The contract's tree: entered by form services and imported from CSV/XLSX, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from participation.contract import structure
from participation.contract.models import ContractNode, NodeLevel, Pillar
from participation.extensions import db


def test_contract_period_must_be_in_order(app):
    with pytest.raises(structure.InvalidContract):
        structure.save_contract(structure.ContractData(title="C", starts_year=2030, ends_year=2024))


def test_nodes_go_one_level_below_their_parent_with_codes(contract, node_of):
    objectif = node_of("1.1.1")
    action = structure.add_node(contract, structure.NodeData(title="Nouvelle action"), objectif)
    assert action.level == NodeLevel.action and action.code == "1.1.1.3"
    enjeu = structure.add_node(contract, structure.NodeData(title="Réussite éducative"))
    assert enjeu.level == NodeLevel.enjeu and enjeu.code == "3"
    with pytest.raises(structure.InvalidNode):
        structure.add_node(contract, structure.NodeData(title="Trop bas"), action)
    with pytest.raises(structure.InvalidNode):
        structure.add_node(contract, structure.NodeData(title="Doublon", code="1.1"), enjeu)


def test_tree_is_nested_and_removed_nodes_disappear(contract, node_of):
    roots = structure.tree(contract)
    assert [r.node.code for r in roots] == ["1", "2"]
    assert [n.node.code for n in roots[0].walk()] == ["1", "1.1", "1.1.1", "1.1.1.a", "1.1.1.b"]
    assert structure.delete_node(node_of("1.1")) == 4
    assert [n.node.code for r in structure.tree(contract) for n in r.walk()] == ["1", "2", "2.1", "2.1.1"]
    assert node_of("1.1.1.a").deleted_at is not None  # soft-deleted: still in the table


CSV = (
    "niveau;code;parent;titre;description;pilier;priorites\r\n"
    "enjeu;3;;Réussite éducative;;cohesion_sociale;jeunesse\r\n"
    "orientation;3.1;3;Accompagner chaque enfant;;;\r\n"
    "objectif;3.1.1;3.1;Aide aux devoirs;Avec les parents;;jeunesse, egalite_femmes_hommes\r\n"
    "action;3.1.1.a;3.1.1;Clubs lecture;;;\r\n"
    "\r\n"
    "action;1.1.1.a;1.1.1;Marches exploratoires de femmes (titre mis à jour);;;egalite_femmes_hommes\r\n"
)


def test_csv_import_creates_and_updates_by_code(contract, node_of):
    report = structure.import_file(contract, "contrat.csv", io.BytesIO(("\ufeff" + CSV).encode("utf-8")))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (4, 1)
    objectif = node_of("3.1.1")
    assert objectif.parent.code == "3.1" and objectif.youth and objectif.gender_equality
    assert node_of("3").pillar == Pillar.cohesion_sociale
    assert node_of("1.1.1.a").title.endswith("(titre mis à jour)")
    assert node_of("1.1.1.b") is not None  # not in the file: kept


def test_csv_import_in_windows_1252_with_commas(contract, node_of):
    data = "niveau,code,parent,titre\nenjeu,4,,Accès aux droits et santé\n".encode("cp1252")
    assert structure.import_file(contract, "export.csv", io.BytesIO(data)).ok
    assert node_of("4").title == "Accès aux droits et santé"


def test_xlsx_import(contract, node_of):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Niveau", "Code", "Parent", "Titre", "Priorités"])
    sheet.append(["enjeu", 5, None, "Santé", None])
    sheet.append(["Orientation stratégique", 5.1, 5, "Prévenir", "Jeunesse"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = structure.import_file(contract, "contrat.xlsx", buffer)
    assert report.ok, report.errors
    assert node_of("5.1").parent.code == "5" and node_of("5.1").youth


def test_import_is_all_or_nothing_with_line_numbers(contract):
    before = db.session.query(ContractNode).count()
    data = (
        "niveau;code;parent;titre;pilier;priorites\n"
        "enjeu;7;;Bon enjeu;;\n"             # line 2: fine
        "orientation;7.1;9;Parent inconnu;;\n"  # line 3
        "objectif;7.2;7;Saute un niveau;;\n"   # line 4
        "action;7.3;;;cadre;\n"                # line 5: no parent, no title, bad pilier
        "enjeu;7;;Code en double;;solidarite\n"  # line 6
    )
    report = structure.import_file(contract, "x.csv", io.BytesIO(data.encode()))
    assert not report.ok
    lines = [line for line, _message in report.errors]
    assert lines == sorted(lines) and set(lines) == {3, 4, 5, 6}
    messages = dict(report.errors)
    assert "9" in messages[3] and "7" in messages[4]
    assert db.session.query(ContractNode).count() == before


def test_unreadable_files_are_reported(contract):
    assert structure.import_file(contract, "x.pdf", io.BytesIO(b"%PDF")).errors[0][0] == 1
    assert not structure.import_file(contract, "x.xlsx", io.BytesIO(b"PK not a zip")).ok
    assert not structure.import_file(contract, "x.csv", io.BytesIO(b"a;b\n1;2\n")).ok
    assert not structure.import_file(contract, "x.csv", io.BytesIO(b"niveau;code;titre\n")).ok


def test_export_rows_import_again_unchanged(contract, make_contract):
    rows = list(structure.export_rows(contract))
    other = make_contract("Copie", with_tree=False)
    header = dict(enumerate(structure.IMPORT_COLUMNS))
    report = structure.import_rows(other, [(n, {header[i]: str(v) for i, v in enumerate(row)})
                                           for n, row in enumerate(rows, start=2)])
    assert report.ok and report.created == len(rows)
    assert list(structure.export_rows(other)) == rows
