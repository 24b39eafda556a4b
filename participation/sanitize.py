"""The one place where user HTML is cleaned. Markdown from users goes through ``render_markdown``."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Raw HTML in Markdown is rendered as text, links are checked by markdown-it and again by nh3.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable(
    ["image", "heading", "code", "fence", "html_block", "html_inline", "table"], ignoreInvalid=True
)


def clean_html(html: str) -> str:
    """Keep only paragraphs, emphasis, lists, quotes and safe links (rel="nofollow ugc")."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown written by a user, as clean HTML ready to store and show."""
    return clean_html(_markdown.render(text or ""))
