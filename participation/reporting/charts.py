"""The dashboard's tables and bar charts, prepared for printing: every figure formatted in one pass.

The dashboard prints hundreds of figures; a filter call, a test and a macro branch per cell in the
template cost more than computing the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Number
from typing import Any

from participation.reporting import format_figure_in

ROW_HEIGHT = 40
BAR_SPACE = 250  # the longest bar, in SVG units
LABEL_LENGTH = 48


def table_cells(row: Any, locale: str) -> list[tuple[str, str]]:
    """The cells after the first of a table row, as (class, text): figures formatted, "number" class on them."""
    return [("number" if isinstance(value, Number) else "", format_figure_in(value, locale)) for value in row[1:]]


@dataclass(slots=True)
class Bar:
    y: int
    label: str
    width: float | int | None  # None: no figure to draw (shown as a text)
    text: str


def chart_bars(table: Any, locale: str) -> tuple[int, list[Bar]] | None:
    """The height and the bars of the chart of ``table``; None when there is nothing above zero to draw."""
    column, label_column = table.chart_value, table.chart_label
    values = [row[column] for row in table.rows if isinstance(row[column], Number)]
    top = max(values) if values else 0
    if not top or top <= 0:
        return None
    bars = []
    for index, row in enumerate(table.rows):
        value = row[column]
        label = str(row[label_column]).strip()
        if len(label) > LABEL_LENGTH:
            label = label[: LABEL_LENGTH - 1] + "…"
        y = ROW_HEIGHT * index + 4
        if isinstance(value, Number):
            width = round(BAR_SPACE * value / top, 1)
            bars.append(Bar(y, label, width if width >= 1 else 1, format_figure_in(value, locale)))
        else:
            bars.append(Bar(y, label, None, str(value) if value is not None else "–"))
    return ROW_HEIGHT * len(table.rows) + 8, bars
