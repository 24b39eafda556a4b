"""The shared PDF builder: our cleaned HTML subset, French text and page footers."""

from __future__ import annotations

import subprocess

from participation.pdf import PdfDocument, html_flowables, winansi
from participation.sanitize import render_markdown


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_a_document_keeps_french_text_lists_links_and_numbers_its_pages():
    document = PdfDocument("Plénière du 3 mars 2026", subtitle="Conseil citoyen des Peupliers",
                           platform="Participation", territory="Val-de-Lys", page_label="Page %(page)d sur %(pages)d")
    html = render_markdown("L’avis est **favorable** — « œuvre » à 40 000 €.\n\n- un\n- deux [lien](https://a.example)"
                           "\n\n1. premier\n2. second\n\n> cité")
    for _ in range(25):
        document.heading("Une section")
        document.html(html)
    document.pairs([("Votes :", "4 pour, 1 contre")])
    document.table(["Quoi", "Qui"], [["Réparer l'éclairage", "Mairie"]], widths=[0.7, 0.3])
    text = _text(document.render())
    assert "Plénière du 3 mars 2026" in text and "L’avis est favorable — « œuvre » à 40 000 €." in text
    assert "• deux lien" in text and "1. premier" in text and "cité" in text
    pages = text.count("\f")
    assert pages > 1 and f"Page 1 sur {pages}" in text and f"Page {pages} sur {pages}" in text
    assert "Participation – Val-de-Lys" in text and "Réparer l'éclairage" in text


def test_characters_the_standard_fonts_lack_are_replaced_not_lost():
    assert winansi("Nguyễn ≥ 3 → ok") == "Nguyen >= 3 -> ok"
    assert winansi("🙂") == "?"


def test_markup_from_users_is_escaped_and_unknown_tags_keep_their_text():
    flowables = html_flowables('<p>a &lt;b&gt; <span>texte</span> <a href="javascript:x">lien</a></p>')
    assert len(flowables) == 1
    markup = flowables[0].text
    assert "&lt;b&gt;" in markup and "texte" in markup and "javascript" not in markup
