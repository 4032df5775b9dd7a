"""What a page shows is safe whatever was written: no script, no event handler, no
`javascript:` link, no SVG; tables, task lists and links between pages work."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from beffroi.wiki.markdown import linked_titles, render

pytestmark = pytest.mark.django_db  # gettext of the task boxes


def _resolve(title: str) -> tuple[str, bool]:
    return f"/p/{title}", title == "Budget"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        '<img src=x onerror="alert(1)">',
        "![image](javascript:alert(1))",
        '<svg onload="alert(1)"><script>alert(1)</script></svg>',
        "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        '<a href="javascript:alert(1)">x</a>',
        "[[x]] <iframe src=//evil></iframe>",
        '<div style="background:url(javascript:alert(1))">x</div>',
    ],
)
def test_nothing_hostile_survives(hostile):
    """Hostile input may show as text, never as an element, attribute or link that runs."""
    found = _Elements()
    found.feed(render(hostile, _resolve))
    assert not found.tags & {"script", "svg", "iframe", "div", "object", "embed", "style"}
    for name, value in found.attributes:
        assert not name.startswith("on")
        assert name != "style"
        if name in {"href", "src"}:
            assert not value.lower().lstrip().startswith(("javascript:", "data:", "vbscript:"))


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def test_tables_task_lists_and_page_links_render():
    html = render(
        "| Lot | Entreprise |\n| --- | --- |\n| Toiture | Durand |\n\n"
        "- [x] Devis reçu\n- [ ] Visite\n\n"
        "Voir [[Budget]] et [[Nouvelle page|la suite]].",
        _resolve,
    )
    assert "<table>" in html
    assert "<td>Durand</td>" in html
    assert 'aria-label="Fait"' in html
    assert 'aria-label="À faire"' in html
    assert '<a href="/p/Budget" rel="noopener noreferrer nofollow">Budget</a>' in html
    assert 'class="wiki-missing"' in html
    assert ">la suite</a>" in html


def test_linked_titles_are_found_once_each():
    assert linked_titles("[[Budget]] [[budget]] [[Plan | x]] [[Autre]]") == [
        "Budget",
        "Plan",
        "Autre",
    ]
