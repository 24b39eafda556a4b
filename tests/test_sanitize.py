from __future__ import annotations

import re

import pytest

from participation.sanitize import clean_html, render_markdown

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '<a href="javascript:alert(1)">clic</a>',
    "<svg onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<iframe src=https://evil.example></iframe>",
    "<<script>script>alert(1)<</script>/script>",
    '<a href="http://ok.example" onclick="alert(1)">x',
]


TAG = re.compile(r"<[^>]*>")
ALLOWED_TAG = re.compile(
    r'^</?(p|br|em|strong|ul|ol|li|blockquote)>$|^<a href="https?://[^"]*" rel="nofollow ugc noopener">$|^</a>$'
)


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_markup_but_the_allowed_survives_markdown_rendering(attack):
    # What is left of an attack may be shown as text (escaped), never as a tag.
    tags = TAG.findall(render_markdown(attack))
    assert all(ALLOWED_TAG.match(tag) for tag in tags), tags


def test_markdown_keeps_emphasis_lists_and_safe_links():
    html = render_markdown("Un *banc* et **des arbres** :\n\n- ici\n- là\n\n[la mairie](https://mairie.example)")
    assert "<em>banc</em>" in html and "<strong>des arbres</strong>" in html and "<li>ici</li>" in html
    assert '<a href="https://mairie.example" rel="nofollow ugc noopener">la mairie</a>' in html


def test_clean_html_adds_rel_and_drops_unknown_tags():
    assert clean_html('<a href="https://a.example">a</a><table><tr><td>t</td></tr></table>') == (
        '<a href="https://a.example" rel="nofollow ugc noopener">a</a>t'
    )
