"""The annex of the annual report as PDF, written with reportlab.

Self-contained on purpose: ``styles()``, ``register_fonts()`` and ``build()`` are what a shared
``participation/pdf.py`` would hold, so they can move there without touching ``annex_pdf()``.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from participation.contract import annual_report
from participation.contract import services as contract_services
from participation.reporting.services import Annex

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
_fonts: tuple[str, str] | None = None


def register_fonts() -> tuple[str, str]:
    """DejaVu Sans when installed (every accent and most scripts), else the PDF base fonts."""
    global _fonts
    if _fonts is None:
        for directory in FONT_DIRS:
            regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
                _fonts = ("DejaVuSans", "DejaVuSans-Bold")
                break
        else:
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12.5,
                          alignment=TA_LEFT, spaceAfter=3)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18, leading=22),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=bold, fontSize=15, leading=19, spaceBefore=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12, leading=15, spaceBefore=8),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10, leading=13, spaceBefore=6),
        "body": body,
        "meta": ParagraphStyle("meta", parent=body, textColor=colors.HexColor("#444444"), fontSize=8.5),
        "quote": ParagraphStyle("quote", parent=body, leftIndent=6 * mm, textColor=colors.HexColor("#222222")),
    }


def text(value: str | None) -> str:
    """User text made safe for reportlab's paragraph markup, line breaks kept."""
    return escape(value or "").replace("\n", "<br/>")


def build(story: list, title: str, footer: str) -> bytes:
    regular, _bold = register_fonts()
    buffer = io.BytesIO()

    def on_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(document.page))
        canvas.restoreState()

    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=footer, lang="fr",
                                 leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=18 * mm)
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def annex_pdf(data: Annex, territory: str) -> bytes:
    """Per conseil: its opinion (majority, dissenting views), the follow-up of its observations, its contributions."""
    s = styles()
    title = _("Annex to the annual report %(year)d: contributions of the conseils citoyens", year=data.year)
    story: list = [Paragraph(text(title), s["title"]), Paragraph(text(territory), s["body"])]
    if data.contract_title:
        story.append(Paragraph(text(data.contract_title), s["body"]))
    if data.round is not None:
        story.append(Paragraph(text(_("Opinions requested until %(date)s.",
                                      date=data.round.deadline.strftime("%d/%m/%Y"))), s["meta"]))
    for index, item in enumerate(data.conseils):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(text(item.conseil.name), s["h1"]))
        story.append(Paragraph(text(_("Opinion on the annual report")), s["h2"]))
        opinion = item.opinion
        if opinion is None:
            story.append(Paragraph(text(_("No opinion recorded.")), s["body"]))
        else:
            story.append(Paragraph(f"<b>{text(contract_services.position_label(opinion.position))}</b>", s["body"]))
            if opinion.minutes_label:
                story.append(Paragraph(text(_("From: %(minutes)s", minutes=opinion.minutes_label)), s["meta"]))
            if opinion.majority_text:
                story.append(Paragraph(text(_("Opinion of the majority")), s["h3"]))
                story.append(Paragraph(text(opinion.majority_text), s["quote"]))
            if opinion.dissenting_views:
                story.append(Paragraph(text(_("Dissenting views")), s["h3"]))
                story.append(Paragraph(text(opinion.dissenting_views), s["quote"]))
            if opinion.observations:
                story.append(Paragraph(text(_("Observations and follow-up given")), s["h3"]))
            for number, observation in enumerate(opinion.observations, start=1):
                contribution = observation.contribution
                block = [Paragraph(f"{number}. {text(observation.text)}", s["body"])]
                if contribution is not None:
                    block.append(Paragraph(text(_("Status: %(status)s",
                                                  status=contract_services.status_label(contribution.status))),
                                           s["meta"]))
                    follow_up = contribution.answer or _("No follow-up recorded yet.")
                    block.append(Paragraph(f"<b>{text(_('Follow-up given:'))}</b> {text(follow_up)}", s["quote"]))
                story.append(KeepTogether(block))
        contributions = [c for c in item.contributions if c.source_type != annual_report.OBSERVATION_SOURCE]
        story.append(Paragraph(text(_("Contributions received in %(year)d (%(count)d)", year=data.year,
                                      count=len(contributions))), s["h2"]))
        if not contributions:
            story.append(Paragraph(text(_("None.")), s["body"]))
        for contribution in contributions:
            block = [Paragraph(f"<b>n° {contribution.id} – {text(contribution.title)}</b>", s["body"])]
            meta = [contract_services.kind_label(contribution.kind),
                    contract_services.status_label(contribution.status)]
            if contribution.links:
                meta.append(_("Contract: %(nodes)s", nodes=", ".join(link.node.label for link in contribution.links)))
            block.append(Paragraph(text(" · ".join(meta)), s["meta"]))
            if contribution.status_reason:
                block.append(Paragraph(text(_("Reason: %(reason)s", reason=contribution.status_reason)), s["body"]))
            if contribution.answer:
                block.append(Paragraph(f"<b>{text(_('Answer:'))}</b> {text(contribution.answer)}", s["quote"]))
            block.append(Spacer(1, 2 * mm))
            story.append(KeepTogether(block))
    return build(story, title, territory)
