from __future__ import annotations

import csv
import io
import json
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from odf.text import P

from participation import exports

COLUMNS = [exports.Column("title", "Titre"), exports.Column("supports", "Soutiens"),
           exports.Column("share", "Part"), exports.Column("day", "Date"), exports.Column("at", "Horodatage")]
ROWS = [
    ("Des bancs au square", 12, 0.25, date(2026, 3, 3), datetime(2026, 3, 3, 17, 30, tzinfo=UTC)),
    ("=HYPERLINK(\"http://evil\")", 0, Decimal("1.5"), None, None),
    ("Éclairage du passage ; « urgent »\nvraiment", 3, 2.0, date(2026, 1, 1), None),
]


def _bytes(chunks) -> bytes:
    return b"".join(chunks)


def test_french_csv_has_bom_semicolons_decimal_comma_and_neutralised_formulas():
    data = _bytes(exports.csv_french(COLUMNS, ROWS))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Titre", "Soutiens", "Part", "Date", "Horodatage"]
    assert rows[1] == ["Des bancs au square", "12", "0,25", "03/03/2026", "03/03/2026 18:30"]
    assert rows[2][0] == "'=HYPERLINK(\"http://evil\")" and rows[2][2] == "1,5"
    assert rows[3][0] == "Éclairage du passage ; « urgent »\nvraiment"
    assert not data.decode("utf-8-sig").startswith("sep=")


def test_open_data_csv_is_plain_utf8_with_commas():
    data = _bytes(exports.csv_open_data(COLUMNS, ROWS))
    assert not data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[1] == ["Des bancs au square", "12", "0.25", "2026-03-03", "2026-03-03T18:30:00"]


def test_xlsx_opens_in_openpyxl_with_typed_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(exports.xlsx(COLUMNS, ROWS, "Propositions"))))
    sheet = workbook["Propositions"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Titre", "Soutiens", "Part", "Date", "Horodatage"]
    assert values[1][:3] == ["Des bancs au square", 12, 0.25]
    assert values[1][3].date() == date(2026, 3, 3) and values[1][4] == datetime(2026, 3, 3, 18, 30)
    assert values[2][0].startswith("'=")
    assert values[3][0] == "Éclairage du passage ; « urgent »\nvraiment"


def _ods_rows(data: bytes) -> list[list[str]]:
    document = load_ods(io.BytesIO(data))
    table = document.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        cells = []
        for cell in row.getElementsByType(TableCell):
            cells.append("\n".join(str(p) for p in cell.getElementsByType(P)))
        rows.append(cells)
    return rows


def test_ods_opens_in_odfpy():
    data = _bytes(exports.ods(COLUMNS, ROWS, "Propositions"))
    rows = _ods_rows(data)
    assert rows[0] == ["Titre", "Soutiens", "Part", "Date", "Horodatage"]
    assert rows[1] == ["Des bancs au square", "12", "0.25", "03/03/2026", "03/03/2026 18:30"]
    assert rows[2][0].startswith("'=")


def test_numbers_and_booleans_keep_their_type_in_spreadsheets_whatever_the_order():
    # Cells of integers are built once per sheet: 1 and True are the same key in a dict, not the same cell.
    rows = [(1, True, 0, False, 1), (True, 1, False, 0, True), (1, True, 0, False, 1)]
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(exports.xlsx(COLUMNS, rows))))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows(min_row=2)]
    assert [[type(value) for value in row] for row in values] == [[type(value) for value in row] for row in rows]
    assert values == [list(row) for row in rows]
    assert _ods_rows(_bytes(exports.ods(COLUMNS, rows)))[1:] == [
        ["1", "true", "0", "false", "1"], ["true", "1", "false", "0", "true"], ["1", "true", "0", "false", "1"]]


def test_date_times_are_written_in_paris_time_aware_or_already_local():
    winter, summer = datetime(2026, 1, 10, 12, 5, tzinfo=UTC), datetime(2026, 7, 14, 18, 30, 59, tzinfo=UTC)
    local = datetime(2026, 7, 14, 20, 30, 59)  # naive: already Paris time, written as is
    rows = [("a", 1, 0.5, None, winter), ("b", 2, 0.5, None, summer), ("c", 3, 0.5, None, local)]
    assert [line.split(";")[4] for line in _bytes(exports.csv_french(COLUMNS, rows)).decode().splitlines()[1:]] == \
        ["10/01/2026 13:05", "14/07/2026 20:30", "14/07/2026 20:30"]
    assert [row[4] for row in _ods_rows(_bytes(exports.ods(COLUMNS, rows)))[1:]] == \
        ["10/01/2026 13:05", "14/07/2026 20:30", "14/07/2026 20:30"]
    workbook = openpyxl.load_workbook(io.BytesIO(_bytes(exports.xlsx(COLUMNS, rows))))
    assert [row[4].value for row in workbook.active.iter_rows(min_row=2)] == [
        datetime(2026, 1, 10, 13, 5), datetime(2026, 7, 14, 20, 30, 59), datetime(2026, 7, 14, 20, 30, 59)]
    content = zipfile.ZipFile(io.BytesIO(_bytes(exports.ods(COLUMNS, rows)))).read("content.xml").decode()
    assert 'office:date-value="2026-07-14T20:30:59"' in content and 'office:date-value="2026-01-10T13:05:00"' in content


def test_json_export():
    data = json.loads(_bytes(exports.json_export(COLUMNS, ROWS)))
    assert data[0] == {"title": "Des bancs au square", "supports": 12, "share": 0.25, "day": "2026-03-03",
                       "at": "2026-03-03T17:30:00+00:00"}


@pytest.mark.parametrize(("name", "sheet"), [("xlsx", "xl/worksheets/sheet1.xml"), ("ods", "content.xml")])
def test_spreadsheets_are_compressed_and_the_ods_mimetype_comes_first_stored(name, sheet):
    rows = [(f"Proposition numéro {i}", i, i / 7, date(2026, 1, 1), None) for i in range(5_000)]
    with zipfile.ZipFile(io.BytesIO(_bytes(exports.FORMATS[name].write(COLUMNS, rows)))) as archive:
        entries = archive.infolist()
        info = archive.getinfo(sheet)
        assert archive.testzip() is None
    assert all(entry.compress_type == zipfile.ZIP_DEFLATED for entry in entries if entry.filename != "mimetype")
    assert info.compress_size * 5 < info.file_size
    if name == "ods":  # OpenDocument readers look for it uncompressed at the start of the file
        assert (entries[0].filename, entries[0].compress_type) == ("mimetype", zipfile.ZIP_STORED)


@pytest.mark.parametrize("name", ["csv", "xlsx", "ods"])
def test_memory_stays_flat_whatever_the_row_count(name):
    writer = exports.FORMATS[name].write

    def rows(n):
        for i in range(n):
            yield (f"Proposition numéro {i}", i, i / 7, date(2026, 1, 1), None)

    def peak(n):
        tracemalloc.start()
        size = sum(len(chunk) for chunk in writer(COLUMNS, rows(n)))
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return size, high

    small_size, small_peak = peak(1_000)
    large_size, large_peak = peak(20_000)
    assert large_size > 10 * small_size
    assert large_peak < small_peak * 2 + 512 * 1024


def test_stream_export_response(app):
    with app.test_request_context():
        response = exports.stream_export("xlsx", "propositions", COLUMNS, iter(ROWS))
        assert response.headers["Content-Disposition"] == 'attachment; filename="propositions.xlsx"'
        assert response.is_streamed


@pytest.mark.parametrize("delimiter, writer", [(";", exports.csv_french), (",", exports.csv_open_data)])
def test_csv_lines_are_what_the_csv_module_writes(delimiter, writer):
    """The lines are built without csv.writer (each repeated text's field is kept): the same bytes."""
    import random

    rng = random.Random(7)
    pieces = ["a", "é", " ", ";", ",", '"', "\n", "\r", "=", "-", "+", "@", "\t", "x" * 120, ""]
    rows = []
    for _ in range(400):
        rows.append(tuple(
            rng.choice([None, rng.randint(-5, 10**6), True, 0.5, Decimal("2.25"), date(2026, 5, 1),
                        datetime(2026, 5, 1, 8, 5, tzinfo=UTC), "".join(rng.choices(pieces, k=rng.randint(0, 4)))])
            for _ in range(5)))
    rows += [("",), (None,), ("",) * 3, ("répété",)] * 3
    decimal_comma = delimiter == ";"
    expected = io.StringIO()
    reference = csv.writer(expected, delimiter=delimiter, lineterminator="\r\n")
    reference.writerow([str(column.label) for column in COLUMNS])
    for row in rows:
        reference.writerow([value if value is None or type(value) is int else exports._text(value, decimal_comma)
                            for value in row])
    data = _bytes(writer(COLUMNS, rows))
    assert data == (("\ufeff" if decimal_comma else "") + expected.getvalue()).encode("utf-8")
