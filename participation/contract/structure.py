"""The contrat de ville and its tree: enjeux → orientations → objectifs → actions.

The chef de projet enters it by form or imports it from a spreadsheet (CSV or XLSX) whose layout is
``IMPORT_COLUMNS``; an import is all or nothing, and its errors name the line they come from.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from flask_babel import gettext as _
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.contract.models import LEVELS, Contract, ContractNode, NodeLevel, Pillar
from participation.db import utcnow
from participation.errors import DomainError
from participation.extensions import db
from participation.sanitize import render_markdown


class InvalidContract(DomainError):
    pass


class InvalidNode(DomainError):
    pass


# ------------------------------------------------------------------------------------------ contract


@dataclass
class ContractData:
    title: str
    starts_year: int
    ends_year: int
    signatories: str = ""
    description: str = ""


def current_contract() -> Contract | None:
    """The contract in force: the one that starts last."""
    return db.session.scalar(select(Contract).order_by(Contract.starts_year.desc(), Contract.id.desc()).limit(1))


def save_contract(data: ContractData, contract: Contract | None = None) -> Contract:
    """Create or update the contrat de ville; its period runs from a year to a later (or the same) year."""
    if data.ends_year < data.starts_year:
        raise InvalidContract(_("The period must end after it starts."))
    if contract is None:
        contract = Contract()
        db.session.add(contract)
    contract.title = data.title.strip()
    contract.starts_year, contract.ends_year = data.starts_year, data.ends_year
    contract.signatories = "\n".join(line.strip() for line in data.signatories.splitlines() if line.strip())
    contract.description = data.description
    contract.description_html = render_markdown(data.description)
    contract.updated_at = utcnow()
    db.session.flush()
    return contract


# ------------------------------------------------------------------------------------------ nodes


def child_level(level: NodeLevel | None) -> NodeLevel | None:
    """The level below ``level`` (None: the top level, enjeu); None below actions."""
    if level is None:
        return NodeLevel.enjeu
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


@dataclass
class NodeData:
    title: str
    code: str | None = None
    description: str = ""
    pillar: Pillar | None = None
    youth: bool = False
    gender_equality: bool = False
    anti_discrimination: bool = False


def _next_code(contract: Contract, parent: ContractNode | None) -> str:
    siblings = db.session.scalar(select(func.count(ContractNode.id)).where(
        ContractNode.contract_id == contract.id,
        ContractNode.parent_id == parent.id if parent is not None else ContractNode.parent_id.is_(None)))
    base = f"{parent.code}." if parent is not None else ""
    n = (siblings or 0) + 1
    while _code_taken(contract, f"{base}{n}"):
        n += 1
    return f"{base}{n}"


def _code_taken(contract: Contract, code: str, exclude_id: int | None = None) -> bool:
    query = select(ContractNode.id).where(ContractNode.contract_id == contract.id, ContractNode.code == code)
    if exclude_id is not None:
        query = query.where(ContractNode.id != exclude_id)
    return db.session.scalar(query) is not None


def add_node(contract: Contract, data: NodeData, parent: ContractNode | None = None) -> ContractNode:
    """Add a node under ``parent`` (an enjeu when there is none), one level below it, with a unique code."""
    if parent is not None and (parent.contract_id != contract.id or parent.is_deleted):
        raise InvalidNode(_("This part of the contract has been removed."))
    level = child_level(parent.level if parent is not None else None)
    if level is None:
        raise InvalidNode(_("Actions are the last level of the contract."))
    code = (data.code or "").strip() or _next_code(contract, parent)
    if _code_taken(contract, code):
        raise InvalidNode(_("The code %(code)s is already used in this contract.", code=code))
    position = db.session.scalar(select(func.coalesce(func.max(ContractNode.position), 0)).where(
        ContractNode.contract_id == contract.id,
        ContractNode.parent_id == parent.id if parent is not None else ContractNode.parent_id.is_(None))) or 0
    node = ContractNode(contract_id=contract.id, parent_id=parent.id if parent is not None else None, level=level,
                        code=code, position=position + 1)
    _apply(node, data)
    db.session.add(node)
    db.session.flush()
    return node


def _apply(node: ContractNode, data: NodeData) -> None:
    node.title = data.title.strip()
    node.description = (data.description or "").strip()
    node.pillar = data.pillar
    node.youth, node.gender_equality, node.anti_discrimination = (
        data.youth, data.gender_equality, data.anti_discrimination)


def update_node(node: ContractNode, data: NodeData) -> None:
    """Change a node's wording, code and tags (its place in the tree stays)."""
    code = (data.code or "").strip() or node.code
    if _code_taken(node.contract, code, exclude_id=node.id):
        raise InvalidNode(_("The code %(code)s is already used in this contract.", code=code))
    node.code = code
    _apply(node, data)
    db.session.flush()


def delete_node(node: ContractNode) -> int:
    """Remove a node and what is below it from the contract; linked contributions keep their links and history.

    Returns how many nodes were removed.
    """
    now = utcnow()
    removed = 0
    pending = [node]
    while pending:
        current = pending.pop()
        if current.deleted_at is None:
            current.deleted_at = now
            removed += 1
        pending.extend(db.session.scalars(select(ContractNode).where(ContractNode.parent_id == current.id)))
    db.session.flush()
    return removed


@dataclass
class TreeNode:
    node: ContractNode
    children: list[TreeNode] = field(default_factory=list)

    def walk(self) -> Iterator[TreeNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def nodes_of(contract: Contract) -> list[ContractNode]:
    return list(db.session.scalars(
        select(ContractNode).where(ContractNode.contract_id == contract.id, ContractNode.deleted_at.is_(None))
        .order_by(ContractNode.position, ContractNode.id)
    ))


def tree(contract: Contract) -> list[TreeNode]:
    """The live nodes of the contract as a tree, siblings in their order."""
    wrapped = {node.id: TreeNode(node) for node in nodes_of(contract)}
    roots: list[TreeNode] = []
    for item in wrapped.values():
        parent = wrapped.get(item.node.parent_id) if item.node.parent_id is not None else None
        if parent is not None:
            parent.children.append(item)
        elif item.node.parent_id is None:
            roots.append(item)
    return roots


def flat_tree(contract: Contract) -> list[tuple[int, ContractNode]]:
    """(depth, node) in reading order, for selects and exports."""
    out: list[tuple[int, ContractNode]] = []

    def visit(items: list[TreeNode], depth: int) -> None:
        for item in items:
            out.append((depth, item.node))
            visit(item.children, depth + 1)

    visit(tree(contract), 0)
    return out


def descendants(node_id: int, parent_of: dict[int, int | None]) -> set[int]:
    """Ids of the node and of every node below it, from a {node id: parent id} map."""
    children: dict[int | None, list[int]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    found, pending = set(), [node_id]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(children.get(current, []))
    return found


# ------------------------------------------------------------------------------------------ import

# The documented layout of the spreadsheet (first row = these headers, in any order; extra columns ignored).
IMPORT_COLUMNS = ("niveau", "code", "parent", "titre", "description", "pilier", "priorites")
LEVEL_NAMES = {
    "enjeu": NodeLevel.enjeu,
    "orientation": NodeLevel.orientation, "orientation strategique": NodeLevel.orientation,
    "objectif": NodeLevel.objectif, "objectif operationnel": NodeLevel.objectif,
    "action": NodeLevel.action, "fiche action": NodeLevel.action, "fiche-action": NodeLevel.action,
}
PILLAR_NAMES = {
    "cohesion_sociale": Pillar.cohesion_sociale, "cohesion sociale": Pillar.cohesion_sociale,
    "cadre_de_vie": Pillar.cadre_de_vie, "cadre de vie": Pillar.cadre_de_vie,
    "cadre de vie et renouvellement urbain": Pillar.cadre_de_vie,
    "developpement_economique": Pillar.developpement_economique,
    "developpement economique": Pillar.developpement_economique,
    "developpement economique et emploi": Pillar.developpement_economique,
}
PRIORITY_NAMES = {
    "jeunesse": "youth",
    "egalite_femmes_hommes": "gender_equality", "egalite femmes-hommes": "gender_equality",
    "egalite femmes hommes": "gender_equality",
    "lutte_discriminations": "anti_discrimination", "lutte contre les discriminations": "anti_discrimination",
    "discriminations": "anti_discrimination",
}
MAX_IMPORT_ROWS = 2000


def _plain(value: Any) -> str:
    """Lower-case, accents removed, spaces squeezed: how names of the layout are compared."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("’", "'").split())


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class UnreadableFile(DomainError):
    pass


def read_rows(filename: str, stream: BinaryIO) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV (``;`` or ``,``, UTF-8 or Windows-1252) or XLSX file, with their line numbers."""
    name = filename.lower()
    data = stream.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _xlsx_rows(data)
    if name.endswith((".csv", ".txt")) or not name:
        return _csv_rows(data)
    raise UnreadableFile(_("Send a .csv or .xlsx file."))


def _header_map(cells: Iterable[Any]) -> dict[int, str]:
    mapping = {}
    for index, cell in enumerate(cells):
        key = _plain(cell).replace(" ", "_").replace("priorites_transversales", "priorites")
        if key in IMPORT_COLUMNS:
            mapping[index] = key
    missing = {"niveau", "code", "titre"} - set(mapping.values())
    if missing:
        raise UnreadableFile(_("The first line must name the columns; missing: %(columns)s.",
                               columns=", ".join(sorted(missing))))
    return mapping


def _csv_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    mapping = _header_map(header)
    rows = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((line, {key: (cells[i].strip() if i < len(cells) else "") for i, key in mapping.items()}))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(_("This file cannot be read as a spreadsheet.")) from None
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        try:
            header = next(iterator)
        except StopIteration:
            raise UnreadableFile(_("The file is empty.")) from None
        mapping = _header_map(header)
        rows = []
        for line, cells in enumerate(iterator, start=2):
            values = {key: _cell_text(cells[i]) if i < len(cells) else "" for i, key in mapping.items()}
            if any(values.values()):
                rows.append((line, values))
        return rows
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_rows(contract: Contract, rows: list[tuple[int, dict[str, str]]]) -> ImportReport:
    """Create or update the nodes of the file (matched by code); all or nothing, errors by line number.

    A parent is given by its code, in the file or already in the contract, one level above its child.
    Nodes of the contract that the file does not mention are left as they are.
    """
    report = ImportReport()
    if not rows:
        report.errors.append((1, _("The file has no line under the headers.")))
        return report
    if len(rows) > MAX_IMPORT_ROWS:
        report.errors.append((1, _("At most %(max)d lines can be imported at once.", max=MAX_IMPORT_ROWS)))
        return report
    existing = {node.code: node for node in db.session.scalars(
        select(ContractNode).where(ContractNode.contract_id == contract.id))}
    levels: dict[str, NodeLevel] = {code: node.level for code, node in existing.items() if not node.is_deleted}
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        problems = []
        code = cells.get("code", "").strip()
        title = cells.get("titre", "").strip()
        level = LEVEL_NAMES.get(_plain(cells.get("niveau")))
        parent_code = cells.get("parent", "").strip()
        if not code:
            problems.append(_("the code is missing"))
        elif len(code) > 20:
            problems.append(_("the code has more than 20 characters"))
        elif code in seen:
            problems.append(_("the code %(code)s is already on line %(line)d", code=code, line=seen[code]))
        if not title:
            problems.append(_("the title is missing"))
        elif len(title) > 300:
            problems.append(_("the title has more than 300 characters"))
        if level is None:
            problems.append(_("the level must be enjeu, orientation, objectif or action"))
        pillar_name = _plain(cells.get("pilier"))
        pillar = PILLAR_NAMES.get(pillar_name) if pillar_name else None
        if pillar_name and pillar is None:
            problems.append(_("unknown pilier “%(value)s”", value=cells.get("pilier")))
        priorities = set()
        for item in (cells.get("priorites") or "").replace(";", ",").split(","):
            if not item.strip():
                continue
            name = PRIORITY_NAMES.get(_plain(item).replace(" ", "_")) or PRIORITY_NAMES.get(_plain(item))
            if name is None:
                problems.append(_("unknown transversal priority “%(value)s”", value=item.strip()))
            else:
                priorities.add(name)
        if code and code not in seen:
            seen[code] = line
            if level is not None:
                levels[code] = level
        if problems:
            report.errors.append((line, "; ".join(problems)))
            continue
        parsed.append((line, {"code": code, "title": title, "level": level, "parent": parent_code,
                              "description": cells.get("description", ""), "pillar": pillar,
                              "priorities": priorities}))
    for line, item in parsed:
        level, parent_code = item["level"], item["parent"]
        if level == NodeLevel.enjeu:
            if parent_code:
                report.errors.append((line, _("an enjeu has no parent")))
            continue
        if not parent_code:
            report.errors.append((line, _("the parent is missing (code of the level above)")))
        elif parent_code not in levels:
            report.errors.append((line, _("the parent %(code)s is not in the file nor in the contract",
                                          code=parent_code)))
        elif child_level(levels[parent_code]) != level:
            report.errors.append((line, _("the parent %(code)s is not one level above", code=parent_code)))
        elif parent_code == item["code"]:
            report.errors.append((line, _("a node cannot be its own parent")))
    for code, node in existing.items():
        if code in seen and not node.is_deleted and levels.get(code) != node.level:
            report.errors.append((seen[code], _("the code %(code)s is already used at another level", code=code)))
    if report.errors:
        report.errors.sort()
        return report
    # Parents before children: enjeux first, then each level in turn.
    by_code = dict(existing)
    for level in LEVELS:
        for position, (_line, item) in enumerate(parsed, start=1):
            if item["level"] != level:
                continue
            node = by_code.get(item["code"])
            if node is None:
                node = ContractNode(contract_id=contract.id, code=item["code"], level=level)
                db.session.add(node)
                by_code[item["code"]] = node
                report.created += 1
            else:
                node.deleted_at = None
                report.updated += 1
            node.parent = by_code[item["parent"]] if item["parent"] else None
            node.position = position
            _apply(node, NodeData(
                title=item["title"], description=item["description"], pillar=item["pillar"],
                youth="youth" in item["priorities"], gender_equality="gender_equality" in item["priorities"],
                anti_discrimination="anti_discrimination" in item["priorities"]))
        db.session.flush()
    return report


def import_file(contract: Contract, filename: str, stream: BinaryIO, actor: User | None = None) -> ImportReport:
    """Read a spreadsheet and import it (see ``import_rows``); an unreadable file is reported as line 1."""
    try:
        rows = read_rows(filename, stream)
    except UnreadableFile as error:
        return ImportReport(errors=[(1, error.message)])
    return import_rows(contract, rows)


PILLAR_CODES = {Pillar.cohesion_sociale: "cohesion_sociale", Pillar.cadre_de_vie: "cadre_de_vie",
                Pillar.developpement_economique: "developpement_economique"}


def export_rows(contract: Contract) -> Iterator[tuple[Any, ...]]:
    """The tree in the import layout (so an export can be edited and imported again)."""
    parents = {node.id: node for _depth, node in flat_tree(contract)}
    for _depth, node in flat_tree(contract):
        priorities = [name for name, flag in (("jeunesse", node.youth),
                                              ("egalite_femmes_hommes", node.gender_equality),
                                              ("lutte_discriminations", node.anti_discrimination)) if flag]
        parent = parents.get(node.parent_id) if node.parent_id else None
        yield (node.level.value, node.code, parent.code if parent else "", node.title, node.description,
               PILLAR_CODES.get(node.pillar, "") if node.pillar else "", ",".join(priorities))
