"""From a page's Markdown to HTML that is safe to show: CommonMark with tables and task lists,
links between pages by title (``[[Titre]]`` or ``[[Titre|texte]]``), then nh3's allow-list, so
no script, event handler, ``javascript:`` link or SVG reaches a reader, whatever was written."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.tasklists import tasklists_plugin

from beffroi.core.text import fold

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "span", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "li": {"class"},
    "ul": {"class"},
    "span": {"class", "role", "aria-label"},
    "code": {"class"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}


def _renderer() -> MarkdownIt:
    # html=False: raw HTML in the text is shown as text, never interpreted.
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
        .use(tasklists_plugin)
    )


_MARKDOWN = _renderer()


def tokens_of(body: str) -> list[Token]:
    """The Markdown parse of ``body`` (for other renderings than HTML: the ODT export)."""
    return _MARKDOWN.parse(body)


def link_key(title: str) -> str:
    return fold(" ".join(title.split()))[:200]


def linked_titles(body: str) -> list[str]:
    """The page titles ``body`` links to, once each, in order."""
    seen: dict[str, str] = {}
    for match in WIKI_LINK.finditer(body):
        title = " ".join(match.group(1).split())
        seen.setdefault(link_key(title), title)
    return list(seen.values())


def _escape_label(text: str) -> str:
    return re.sub(r"([\\\[\]*_`<>])", r"\\\1", text)


_MISSING = "#page-absente"
_TASK_BOX = re.compile(r'<input class="task-list-item-checkbox"( checked="checked")?[^>]*>')


def _task_box(match: re.Match[str]) -> str:
    # A read-only box as an image with a name: a disabled checkbox would be a form field
    # without a label.
    if match.group(1):
        return f'<span class="task-box task-box--done" role="img" aria-label="{_("Fait")}">✓</span>'
    return f'<span class="task-box" role="img" aria-label="{_("À faire")}"></span>'


def render(body: str, resolve: Callable[[str], tuple[str, bool]]) -> str:
    """Safe HTML for ``body``; ``resolve`` gives a linked title's URL and whether the page
    exists (a missing one links to its creation, marked ``wiki-missing``)."""

    def wiki_link(match: re.Match[str]) -> str:
        title = " ".join(match.group(1).split())
        label = _escape_label(match.group(2) or title)
        url, exists = resolve(title)
        return f"[{label}](<{url}{'' if exists else _MISSING}>)"

    html = _MARKDOWN.render(WIKI_LINK.sub(wiki_link, body))
    html = re.sub(r'href="([^"#]*)' + _MISSING + '"', r'href="\1" class="wiki-missing"', html)
    html = _TASK_BOX.sub(_task_box, html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(body: str) -> str:
    """The words of a page without Markdown marks, for search."""
    text = WIKI_LINK.sub(lambda m: m.group(2) or m.group(1), body)
    return re.sub(r"[#*_`>|\[\]()~-]+", " ", text)
