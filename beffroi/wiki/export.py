"""A page, or a page and everything below it, as an OpenDocument text (.odt) that LibreOffice
and Word open (and turn into PDF): headings, paragraphs, bold and italic, links, lists, task
lists and tables, from the same Markdown parse the page is shown with."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from markdown_it.token import Token

from beffroi.wiki.markdown import WIKI_LINK, tokens_of

MIMETYPE = "application/vnd.oasis.opendocument.text"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)
_STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="Gras" style:family="text">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    '<style:style style:name="Italique" style:family="text">'
    '<style:text-properties fo:font-style="italic"/></style:style>'
    '<style:style style:name="Code" style:family="text">'
    '<style:text-properties style:font-name="Monospace"/></style:style>'
    "</office:automatic-styles>"
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    for token in children:
        if token.type == "text":
            out.append(escape(token.content))
        elif token.type in ("softbreak", "hardbreak"):
            out.append("<text:line-break/>")
        elif token.type == "code_inline":
            out.append(f'<text:span text:style-name="Code">{escape(token.content)}</text:span>')
        elif token.type == "strong_open":
            out.append('<text:span text:style-name="Gras">')
        elif token.type == "em_open":
            out.append('<text:span text:style-name="Italique">')
        elif token.type in ("strong_close", "em_close"):
            out.append("</text:span>")
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            out.append(f'<text:a xlink:type="simple" xlink:href={quoteattr(href)}>')
        elif token.type == "link_close":
            out.append("</text:a>")
    return "".join(out)


def _blocks(tokens: list[Token]) -> str:
    out: list[str] = []
    in_table_cell = False
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            level = int(token.tag[1])
            out.append(f'<text:h text:outline-level="{level}">')
        elif kind == "heading_close":
            out.append("</text:h>")
        elif kind == "paragraph_open" and not in_table_cell:
            out.append("<text:p>")
        elif kind == "paragraph_close" and not in_table_cell:
            out.append("</text:p>")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            out.append("<text:list>")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            out.append("</text:list>")
        elif kind == "list_item_open":
            out.append("<text:list-item>")
        elif kind == "list_item_close":
            out.append("</text:list-item>")
        elif kind == "table_open":
            out.append("<table:table>")
        elif kind == "table_close":
            out.append("</table:table>")
        elif kind == "tr_open":
            out.append("<table:table-row>")
        elif kind == "tr_close":
            out.append("</table:table-row>")
        elif kind in ("th_open", "td_open"):
            in_table_cell = True
            out.append("<table:table-cell><text:p>")
        elif kind in ("th_close", "td_close"):
            in_table_cell = False
            out.append("</text:p></table:table-cell>")
        elif kind in ("fence", "code_block"):
            for line in token.content.splitlines():
                code = escape(line)
                out.append(f'<text:p><text:span text:style-name="Code">{code}</text:span></text:p>')
        elif kind == "hr":
            out.append("<text:p>―</text:p>")
        elif kind == "inline":
            out.append(_inline(token.children or []))
    return "".join(out)


def _task_marks(body: str) -> str:
    # Task boxes read as ☐ / ☑ in a document.
    lines = []
    for line in body.splitlines():
        stripped = line.lstrip()
        prefix = line[: len(line) - len(stripped)]
        for mark, box in (("- [ ] ", "- ☐ "), ("- [x] ", "- ☑ "), ("- [X] ", "- ☑ ")):
            if stripped.startswith(mark):
                stripped = box + stripped[len(mark) :]
                break
        lines.append(prefix + stripped)
    return "\n".join(lines)


def section_tokens(title: str, body: str, level: int = 1) -> list[Token]:
    """A section of an export: its title as a heading of ``level``, then the page's own
    Markdown with its headings put below the title, [[links]] as their text and task boxes as
    ☐ / ☑."""
    text = WIKI_LINK.sub(lambda m: m.group(2) or m.group(1), _task_marks(body))
    tag = f"h{min(level, 9)}"
    heading = [
        Token("heading_open", tag, 1),
        Token("inline", "", 0, children=[Token("text", "", 0, content=title)]),
        Token("heading_close", tag, -1),
    ]
    tokens = tokens_of(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + level, 9)}"
    return heading + tokens


def body_xml(title: str, body: str, level: int = 1) -> str:
    return _blocks(section_tokens(title, body, level))


def _styles(letterhead: str) -> str:
    """The page layout (A4) and its header: the commune's name on every page."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-styles {_NS}>"
        "<office:automatic-styles>"
        '<style:page-layout style:name="A4"><style:page-layout-properties '
        'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" '
        'fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>'
        '<style:header-style><style:header-footer-properties fo:margin-bottom="0.5cm"/>'
        "</style:header-style></style:page-layout>"
        '<style:style style:name="EnTete" style:family="paragraph">'
        '<style:text-properties fo:font-weight="bold" fo:color="#555555" fo:font-size="9pt"/>'
        "</style:style>"
        "</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Standard" '
        'style:page-layout-name="A4"><style:header>'
        f'<text:p text:style-name="EnTete">{escape(letterhead)}</text:p>'
        "</style:header></style:master-page></office:master-styles>"
        "</office:document-styles>"
    )


def odt(sections: Iterable[tuple[str, str, int]], *, letterhead: str = "") -> bytes:
    """An .odt of ``(title, markdown, level)`` sections, in order; ``letterhead`` (the
    commune's name) in the header of every page."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {_NS}>{_STYLES}<office:body><office:text>"
        + "".join(body_xml(title, body, level) for title, body, level in sections)
        + "</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype first and stored, as the format requires.
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", _styles(letterhead), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
