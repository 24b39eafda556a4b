"""Streamed exports: CSV (French spreadsheets and open data), XLSX, ODS and JSON.

Every writer takes the columns and an iterable of rows (tuples in column order) and yields bytes,
so memory stays flat whatever the row count: a view passes a query's rows straight through
``stream_export``. XLSX and ODS are written directly as zipped XML (the file formats are simple,
and openpyxl/odfpy would hold the whole sheet or a temporary copy before sending anything).
Text cells starting with ``= + - @`` (or a tab / carriage return) are neutralised with a leading
apostrophe so that no spreadsheet runs them as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from flask import Response, stream_with_context
from sqlalchemy import DateTime, func, type_coerce

from participation.i18n import PARIS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # str or lazy string


Row = Sequence[Any]


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(value: datetime) -> datetime:
    return value.astimezone(PARIS).replace(tzinfo=None) if value.tzinfo else value


def _iso_and_french(local: datetime) -> tuple[str, str]:
    """ISO 8601 to the second, and dd/mm/yyyy hh:mm cut from it: one formatting, no strftime (exports write one
    date-time per row, and strftime costs twice as much)."""
    iso = local.isoformat(timespec="seconds")
    return iso, f"{iso[8:10]}/{iso[5:7]}/{iso[:4]} {iso[11:16]}"


def local_time(column: Any) -> Any:
    """A UTC date-time column read as the wall-clock time in Paris, which is what exports write.

    On PostgreSQL the database converts it (``timezone('Europe/Paris', …)``, a naive timestamp): the
    driver then reads no time zone and the writers convert nothing, a few µs a row saved on exports of
    tens of thousands of rows. Elsewhere the column is read as stored and the writers convert it.
    """
    from participation.extensions import db

    if db.session.get_bind().dialect.name != "postgresql":
        return column
    return type_coerce(func.timezone(PARIS.key, column), DateTime()).label(column.name)


def _text(value: Any, decimal_comma: bool) -> str:
    kind = type(value)
    if kind is str:  # the common cases first, by exact type (bool is not int here)
        return neutralise(value)
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is datetime or isinstance(value, datetime):  # one per row in most exports
        local = value.astimezone(PARIS) if value.tzinfo else value  # the fields are all that is written
        return _iso_and_french(local)[1] if decimal_comma else local.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, bool):
        return "oui" if value and decimal_comma else ("non" if decimal_comma else str(value).lower())
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if decimal_comma else value.isoformat()
    return neutralise(str(value))


def _csv_row(delimiter: str, decimal_comma: bool) -> Callable[[Row], str]:
    """A row as a line of CSV (what ``csv.writer`` writes with QUOTE_MINIMAL and CRLF), each short text's
    field built once per file.

    Exports repeat the same words in thousands of rows (options, yes/no, quartiers): the field of each
    (neutralised, quoted when it holds the delimiter, a quote or a line break) is kept, up to
    CELLS_REMEMBERED of them, so memory stays flat whatever the rows.
    """
    special = re.compile(f'[{re.escape(delimiter)}"\r\n]')
    remembered: dict[str, str] = {}

    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if special.search(text) else text

    def text_field(value: str) -> str:
        field = remembered[value] = quoted(neutralise(value))
        if len(value) > CELL_REMEMBERED_LENGTH or len(remembered) > CELLS_REMEMBERED:
            del remembered[value]
        return field

    def line(row: Row) -> str:
        fields = [
            (remembered.get(value) or text_field(value)) if type(value) is str
            else "" if value is None
            else str(value) if type(value) is int
            else quoted(_text(value, decimal_comma))
            for value in row
        ]
        if len(fields) == 1 and not fields[0]:
            return '""\r\n'  # a lone empty field, quoted as csv.writer does (an empty line would be no row)
        return delimiter.join(fields) + "\r\n"

    return line


def _csv(columns: Sequence[Column], rows: Iterable[Row], *, delimiter: str, bom: bool,
         decimal_comma: bool) -> Iterator[bytes]:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow([str(column.label) for column in columns])
    prefix = ("\ufeff" if bom else "") + buffer.getvalue()
    line = _csv_row(delimiter, decimal_comma)
    batch: list[str] = []
    for row in rows:
        batch.append(line(row))
        if len(batch) == BATCH:
            yield (prefix + "".join(batch)).encode("utf-8")
            prefix = ""
            batch.clear()
    yield (prefix + "".join(batch)).encode("utf-8")


def csv_french(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """For French spreadsheets: ``;``, UTF-8 with BOM, decimal comma, dates as dd/mm/yyyy."""
    return _csv(columns, rows, delimiter=";", bom=True, decimal_comma=True)


def csv_open_data(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """Open-data CSV: ``,``, UTF-8 without BOM, decimal point, ISO dates."""
    return _csv(columns, rows, delimiter=",", bom=False, decimal_comma=False)


def json_export(columns: Sequence[Column], rows: Iterable[Row]) -> Iterator[bytes]:
    """A JSON array of objects keyed by column key; dates in ISO 8601."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    keys = [column.key for column in columns]
    yield b"["
    first = True
    for row in rows:
        item = json.dumps({key: plain(value) for key, value in zip(keys, row, strict=False)}, ensure_ascii=False)
        yield (item if first else "," + item).encode("utf-8")
        first = False
    yield b"]"


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream whose content is taken out in pieces (zipfile supports it)."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


# zlib level 3 (the fast deflate): the sheet's XML shrinks about 18 times at some 300 MB/s, faster than sending it
# uncompressed; level 6 would shrink it a third more at a third of the speed.
SHEET_COMPRESSION = 3


def _zip_stream(fixed_files: list[tuple[str, str, int]], sheet_path: str, header: str,
                rows_xml: Iterator[str], footer: str) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=SHEET_COMPRESSION) as archive:
        for name, content, compression in fixed_files:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content,
                             compress_type=compression)
        # Opened by name, the sheet takes the archive's compression (a ZipInfo of our own would be stored as is:
        # it used to be, and a 30,000-row export weighed 47 MB instead of 2.5 MB).
        with archive.open(sheet_path, "w", force_zip64=True) as sheet:
            sheet.write(header.encode("utf-8"))
            batch: list[str] = []
            for row in rows_xml:
                batch.append(row)
                if len(batch) == BATCH:  # one write per batch: each write computes a CRC and may compress
                    sheet.write("".join(batch).encode("utf-8"))
                    batch.clear()
                    yield sink.drain()
            sheet.write(("".join(batch) + footer).encode("utf-8"))
    yield sink.drain()


# XML 1.0 forbids most control characters; spreadsheets would refuse the file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_WORK = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")


CELLS_REMEMBERED = 1024  # distinct short texts whose cell is kept while writing one sheet
CELL_REMEMBERED_LENGTH = 100


def _xml_row(cell_of: Callable[[Any], str], empty: str) -> Callable[[Row], str]:
    """The cells of a row as XML, the cell of each short text and each integer built once per sheet.

    Exports repeat the same words and numbers in thousands of rows (options, yes/no, quartiers, scale
    values); at most CELLS_REMEMBERED of each are kept, so memory stays flat whatever the rows.
    """
    remembered: dict[str, str] = {}
    numbers: dict[int, str] = {}  # apart from the texts; only exact ints are looked up (True == 1 in a dict)

    def text_cell(value: str) -> str:
        cell = remembered[value] = cell_of(value)
        if len(value) > CELL_REMEMBERED_LENGTH or len(remembered) > CELLS_REMEMBERED:
            del remembered[value]
        return cell

    def number_cell(value: int) -> str:
        cell = cell_of(value)
        if len(numbers) < CELLS_REMEMBERED:
            numbers[value] = cell
        return cell

    def cells(row: Row) -> str:
        return "".join([
            (remembered.get(value) or text_cell(value)) if type(value) is str
            else empty if value is None
            else (numbers.get(value) or number_cell(value)) if type(value) is int
            else cell_of(value)
            for value in row
        ])

    return cells


def _xml_text(value: str) -> str:
    if _XML_WORK.search(value) is None:  # most cells: nothing to escape nor remove
        return value
    return escape(_CONTROL.sub("", value))


# ------------------------------------------------------------------------------------ XLSX

_EXCEL_EPOCH = datetime(1899, 12, 30)
_XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
# Cell styles: 0 default, 1 date (dd/mm/yyyy), 2 date and time, 3 bold header.
_XLSX_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _xlsx_cell(value: Any) -> str:
    kind = type(value)
    if kind is str:  # the common cases first, by exact type (bool is not int here)
        return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml_text(neutralise(value))}</t></is></c>'
    if value is None:
        return "<c/>"
    if kind is int:
        return f"<c><v>{value}</v></c>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime):
        serial = (_local(value) - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c s="2"><v>{serial:.8f}</v></c>'
    if isinstance(value, date):
        return f'<c s="1"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_xml_text(neutralise(str(value)))}</t></is></c>'


def xlsx(columns: Sequence[Column], rows: Iterable[Row], sheet_name: str = "Export") -> Iterator[bytes]:
    """An Office Open XML workbook with one sheet, streamed row by row."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet_name[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    header_cells = "".join(
        f'<c t="inlineStr" s="3"><is><t>{_xml_text(str(c.label))}</t></is></c>' for c in columns
    )
    header = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"<row>{header_cells}</row>"
    )
    files = [
        ("[Content_Types].xml", _XLSX_CONTENT_TYPES, zipfile.ZIP_DEFLATED),
        ("_rels/.rels", _XLSX_RELS, zipfile.ZIP_DEFLATED),
        ("xl/workbook.xml", workbook, zipfile.ZIP_DEFLATED),
        ("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS, zipfile.ZIP_DEFLATED),
        ("xl/styles.xml", _XLSX_STYLES, zipfile.ZIP_DEFLATED),
    ]
    cells = _xml_row(_xlsx_cell, "<c/>")
    rows_xml = ("<row>" + cells(row) + "</row>" for row in rows)
    return _zip_stream(files, "xl/worksheets/sheet1.xml", header, rows_xml, "</sheetData></worksheet>")


# ------------------------------------------------------------------------------------ ODS

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2"'
)
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="Ndate"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year/></number:date-style>'
    '<number:date-style style:name="Ndatetime"><number:day number:style="long"/><number:text>/</number:text>'
    '<number:month number:style="long"/><number:text>/</number:text><number:year/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/>'
    "</number:date-style>"
    '<style:style style:name="cedate" style:family="table-cell" style:data-style-name="Ndate"/>'
    '<style:style style:name="cedatetime" style:family="table-cell" style:data-style-name="Ndatetime"/>'
    '<style:style style:name="ceheader" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    "</office:automatic-styles>"
)


def _ods_cell(value: Any) -> str:
    kind = type(value)
    if kind is str:  # the common cases first, by exact type (bool is not int here)
        return (f'<table:table-cell office:value-type="string"><text:p>{_xml_text(neutralise(value))}</text:p>'
                "</table:table-cell>")
    if value is None:
        return "<table:table-cell/>"
    if kind is datetime or isinstance(value, datetime):  # one per row in most exports
        iso, french = _iso_and_french(_local(value))
        return (f'<table:table-cell table:style-name="cedatetime" office:value-type="date" office:date-value="{iso}">'
                f"<text:p>{french}</text:p></table:table-cell>")
    if kind is int:
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                f"<text:p>{str(value).lower()}</text:p></table:table-cell>")
    if isinstance(value, int | float | Decimal):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if isinstance(value, date):
        return (f'<table:table-cell table:style-name="cedate" office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>{value.strftime("%d/%m/%Y")}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{_xml_text(neutralise(str(value)))}</text:p>'
            "</table:table-cell>")


def ods(columns: Sequence[Column], rows: Iterable[Row], sheet_name: str = "Export") -> Iterator[bytes]:
    """An OpenDocument spreadsheet with one sheet, streamed row by row."""
    header_cells = "".join(
        f'<table:table-cell table:style-name="ceheader" office:value-type="string"><text:p>'
        f"{_xml_text(str(c.label))}</text:p></table:table-cell>" for c in columns
    )
    header = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>{_ODS_STYLES}'
        f'<office:body><office:spreadsheet><table:table table:name="{_xml_text(sheet_name[:31])}">'
        f"<table:table-row>{header_cells}</table:table-row>"
    )
    files = [
        ("mimetype", _ODS_MIMETYPE, zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED),
    ]
    cells = _xml_row(_ods_cell, "<table:table-cell/>")
    rows_xml = ("<table:table-row>" + cells(row) + "</table:table-row>" for row in rows)
    return _zip_stream(files, "content.xml", header, rows_xml,
                       "</table:table></office:spreadsheet></office:body></office:document-content>")


# ------------------------------------------------------------------------------------ responses


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    mimetype: str
    write: Callable[..., Iterator[bytes]]


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8", csv_french),
    "csv-opendata": ExportFormat("csv", "text/csv; charset=utf-8", csv_open_data),
    "xlsx": ExportFormat("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx),
    "ods": ExportFormat("ods", _ODS_MIMETYPE, ods),
    "json": ExportFormat("json", "application/json", json_export),
}


def stream_export(format_name: str, filename: str, columns: Sequence[Column], rows: Iterable[Row]) -> Response:
    """A download response that writes ``rows`` as they come (``format_name`` must be in FORMATS)."""
    export_format = FORMATS[format_name]
    suffix = "-opendata" if format_name == "csv-opendata" else ""
    body = export_format.write(columns, rows)
    return Response(
        stream_with_context(body),
        mimetype=export_format.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}{suffix}.{export_format.extension}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
