"""PDF documents with the platform's look, built with reportlab.

A capability describes its document with ``PdfDocument`` (headings, plain text, our cleaned HTML,
key/value lines, tables) and gets bytes back from ``render()``. Every page carries the platform's
name and territory and its page number. Text uses reportlab's standard fonts, whose WinAnsi
encoding covers French; a character they lack is replaced by its closest plain letter (or "?")
rather than printed as a blank box.

User HTML must be what ``sanitize.clean_html`` produced: p, br, em, strong, ul, ol, li, a, blockquote.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from html import escape
from html.parser import HTMLParser
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#525252")
BRAND = colors.HexColor("#1d4f91")
LINE = colors.HexColor("#c9ccd1")
SOFT = colors.HexColor("#f3f4f6")
FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"

_TYPOGRAPHIC = {"\u202f": " ", "\u2009": " ", "\u2011": "-", "\u2212": "-", "\u2192": "->", "\u2190": "<-",
                "\u2264": "<=", "\u2265": ">=", "\u2248": "~", "\u2713": "v", "\u2022": "\u2022"}


def winansi(text: str) -> str:
    """``text`` with every character the standard fonts cannot print replaced by a close one."""
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        if char in _TYPOGRAPHIC:
            out.append(_TYPOGRAPHIC[char])
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        try:
            plain.encode("cp1252")
            out.append(plain or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, textColor=INK, alignment=TA_LEFT,
                          spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=19, leading=23, spaceAfter=4,
                                textColor=BRAND),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11.5, leading=15, textColor=MUTED,
                                   spaceAfter=10),
        # Headings stay with what follows them (never alone at the foot of a page).
        "h1": ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=14.5, leading=18, spaceBefore=12,
                             spaceAfter=5, textColor=BRAND, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12, leading=15, spaceBefore=8,
                             spaceAfter=3, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=5,
                             spaceAfter=2, keepWithNext=1),
        "body": body,
        "quote": ParagraphStyle("quote", parent=body, leftIndent=12, textColor=MUTED),
        "muted": ParagraphStyle("muted", parent=body, fontSize=9.5, leading=12.5, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName=BOLD, fontSize=9.5, leading=12,
                                    spaceAfter=0),
    }


def text_markup(text: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(winansi(line), quote=False) for line in (text or "").split("\n"))


# ---------------------------------------------------------------- our HTML subset to flowables

_INLINE = {"em": "i", "strong": "b"}


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str] | None = None) -> None:
        self.tag, self.attrs, self.children = tag, attrs or {}, []


class _TreeBuilder(HTMLParser):
    """A tree of the cleaned HTML (well formed: nh3 wrote it); unknown tags keep only their text."""

    VOID = {"br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {key: value or "" for key, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _inline(children: Iterable[Any]) -> str:
    parts = []
    for child in children:
        if isinstance(child, str):
            parts.append(escape(winansi(child), quote=False))
        elif child.tag == "br":
            parts.append("<br/>")
        elif child.tag in _INLINE:
            tag = _INLINE[child.tag]
            parts.append(f"<{tag}>{_inline(child.children)}</{tag}>")
        elif child.tag == "a":
            href = child.attrs.get("href", "")
            inner = _inline(child.children)
            if href.startswith(("http://", "https://", "mailto:")):
                parts.append(f'<link href="{escape(winansi(href))}" color="#1d4f91"><u>{inner}</u></link>')
            else:
                parts.append(inner)
        else:
            parts.append(_inline(child.children))
    return "".join(parts)


def _blocks(node: _Node, styles: dict[str, ParagraphStyle], style: ParagraphStyle) -> list[Flowable]:
    flowables: list[Flowable] = []
    loose: list[Any] = []

    def flush_loose() -> None:
        markup = _inline(loose).strip()
        if markup:
            flowables.append(Paragraph(markup, style))
        loose.clear()

    for child in node.children:
        if isinstance(child, str) or child.tag in ("em", "strong", "a", "br") or child.tag not in (
                "p", "ul", "ol", "li", "blockquote"):
            if isinstance(child, str) and not child.strip() and not loose:
                continue
            loose.append(child)
            continue
        flush_loose()
        if child.tag == "p":
            markup = _inline(child.children).strip()
            if markup:
                flowables.append(Paragraph(markup, style))
        elif child.tag in ("ul", "ol"):
            items = [ListItem(_blocks(li, styles, style) or [Paragraph("", style)], leftIndent=14)
                     for li in child.children if not isinstance(li, str) and li.tag == "li"]
            if items:
                flowables.append(ListFlowable(
                    items, bulletType="1" if child.tag == "ol" else "bullet", start=None if child.tag == "ol" else "•",
                    bulletFormat="%s." if child.tag == "ol" else None, leftIndent=14, bulletFontName=FONT,
                    bulletFontSize=style.fontSize,
                ))
        elif child.tag == "blockquote":
            flowables.extend(_blocks(child, styles, styles["quote"]))
        else:  # a stray li
            flowables.extend(_blocks(child, styles, style))
    flush_loose()
    return flowables


def html_flowables(html: str, style: str = "body") -> list[Flowable]:
    """Flowables for cleaned user HTML (paragraphs, emphasis, lists, quotes, links)."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    styles = _styles()
    return _blocks(builder.root, styles, styles[style])


# ---------------------------------------------------------------- the document


class _NumberedCanvas(Canvas):
    """Draws the footer once the page count is known ("page 2 of 5")."""

    footer_left = ""
    page_label = "%(page)d / %(pages)d"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setStrokeColor(LINE)
        self.line(18 * mm, 14 * mm, width - 18 * mm, 14 * mm)
        self.setFont(FONT, 8.5)
        self.setFillColor(MUTED)
        self.drawString(18 * mm, 9.5 * mm, self.footer_left)
        self.drawRightString(width - 18 * mm, 9.5 * mm,
                             winansi(self.page_label % {"page": self._pageNumber, "pages": total}))
        self.restoreState()


class PdfDocument:
    """A document of the platform: a title block, then what the capability adds, then ``render()``."""

    def __init__(self, title: str, *, subtitle: str | None = None, platform: str = "", territory: str = "",
                 author: str = "", page_label: str = "%(page)d / %(pages)d", generated_on: str = "") -> None:
        self.title = title
        self.styles = _styles()
        self.story: list[Flowable] = []
        self.author = author
        self.footer_left = winansi(" – ".join(part for part in (platform, territory, generated_on) if part))
        self.page_label = page_label
        self.story.append(Paragraph(text_markup(title), self.styles["title"]))
        if subtitle:
            self.story.append(Paragraph(text_markup(subtitle), self.styles["subtitle"]))

    def heading(self, text: str, level: int = 1) -> None:
        self.story.append(Paragraph(text_markup(text), self.styles[f"h{min(max(level, 1), 3)}"]))

    def text(self, text: str, style: str = "body") -> None:
        """Plain text (escaped here): line breaks are kept."""
        if text:
            self.story.append(Paragraph(text_markup(text), self.styles[style]))

    def markup(self, markup: str, style: str = "body") -> None:
        """Paragraph markup the caller built and escaped itself (``text_markup`` for the user parts)."""
        self.story.append(Paragraph(markup, self.styles[style]))

    def html(self, html: str, style: str = "body") -> None:
        """User HTML cleaned by ``sanitize.clean_html``."""
        self.story.extend(html_flowables(html, style))

    def pairs(self, rows: Sequence[tuple[str, str]]) -> None:
        """"Label: value" lines, the label in bold."""
        for label, value in rows:
            if value:
                self.story.append(Paragraph(f"<b>{text_markup(label)}</b> {text_markup(value)}", self.styles["body"]))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float] | None = None) -> None:
        """A table of plain-text cells with a header row repeated on every page."""
        head = [Paragraph(text_markup(cell), self.styles["cell_head"]) for cell in header]
        body = [[Paragraph(text_markup(str(cell)), self.styles["cell"]) for cell in row] for row in rows]
        available = A4[0] - 36 * mm
        col_widths = [available * share for share in widths] if widths else None
        table = Table([head, *body], colWidths=col_widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, LINE),
            ("BACKGROUND", (0, 0), (-1, 0), SOFT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]))
        self.story.append(table)
        self.story.append(Spacer(1, 6))

    def keep_together(self, build: Any) -> None:
        """Flowables added by ``build(document)`` are kept on one page when they fit."""
        before = len(self.story)
        build(self)
        group = self.story[before:]
        del self.story[before:]
        self.story.append(KeepTogether(group))

    def spacer(self, height: float = 6) -> None:
        self.story.append(Spacer(1, height))

    def render(self) -> bytes:
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=20 * mm,
            title=winansi(self.title), author=winansi(self.author), creator="participation",
        )
        footer_left, page_label = self.footer_left, self.page_label

        class Canvas(_NumberedCanvas):
            pass

        Canvas.footer_left, Canvas.page_label = footer_left, page_label
        document.build(list(self.story), canvasmaker=Canvas)
        return buffer.getvalue()


