"""A page, or a page and everything below it, as a Word document (.docx, Office Open XML) for the
agents who came from Word: headings (in Word's navigation pane), paragraphs, bold and italic,
links, bulleted, numbered and task lists, tables and code, from the same Markdown parse the page
is shown with, under the commune's letterhead (its name in the page header)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from markdown_it.token import Token

from beffroi.wiki.export import section_tokens

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = f"{_R}/hyperlink"
_BULLETS = 1  # the w:num of every bulleted list; numbered lists get one each, from 2

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _style(style_id: str, name: str, body: str, *, kind: str = "paragraph") -> str:
    # A paragraph style builds on Normal; a character style stands alone.
    based = '<w:basedOn w:val="Normal"/>' if kind == "paragraph" else ""
    return (
        f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}<w:qFormat/>{body}</w:style>"
    )


def _heading_style(level: int) -> str:
    size = max(22, 36 - 4 * (level - 1))  # half-points: 18 pt for level 1 down to 11 pt
    return _style(
        f"Heading{level}",
        f"heading {level}",
        f'<w:pPr><w:keepNext/><w:spacing w:before="240" w:after="80"/>'
        f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
        f'<w:rPr><w:b/><w:sz w:val="{size}"/></w:rPr>',
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{_W}">'
    # Arial: in every Word; LibreOffice shows it with the metric-compatible Liberation Sans.
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" '
    'w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="22"/>'
    '<w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "<w:qFormat/></w:style>"
    + "".join(_heading_style(level) for level in range(1, 10))
    + _style("ListParagraph", "List Paragraph", '<w:pPr><w:spacing w:after="40"/></w:pPr>')
    + _style(
        "Code",
        "Code",
        '<w:pPr><w:spacing w:after="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr>',
    )
    + _style(
        "CodeChar",
        "Code Char",
        '<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/></w:rPr>',
        kind="character",
    )
    + _style("Header", "header", '<w:rPr><w:color w:val="555555"/><w:sz w:val="18"/></w:rPr>')
    + _style(
        "Hyperlink",
        "Hyperlink",
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr>',
        kind="character",
    )
    + '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders>'
    '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
    "</w:tblCellMar></w:tblPr></w:style>"
    "</w:styles>"
)


def _levels(bullet: bool) -> str:
    out = []
    for level in range(9):
        text = ("•", "◦", "▪")[level % 3] if bullet else f"%{level + 1}."
        out.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{"bullet" if bullet else "decimal"}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        )
    return "".join(out)


def _numbering(numbered_lists: int) -> str:
    nums = [f'<w:num w:numId="{_BULLETS}"><w:abstractNumId w:val="0"/></w:num>']
    for number in range(numbered_lists):
        # Each numbered list starts again at 1.
        nums.append(
            f'<w:num w:numId="{number + 2}"><w:abstractNumId w:val="1"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:numbering xmlns:w="{_W}">'
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{_levels(True)}</w:abstractNum>"
        f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{_levels(False)}</w:abstractNum>" + "".join(nums) + "</w:numbering>"
    )


def _text_run(text: str, properties: str) -> str:
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


class _Writer:
    """Turns the Markdown tokens of every section into WordprocessingML paragraphs and tables,
    keeping the links (relationships) and numbered lists it meets."""

    def __init__(self) -> None:
        self.links: list[str] = []
        self.numbered_lists = 0
        self.out: list[str] = []
        # Each open list: its w:num and whether its current item has had its first paragraph.
        self.lists: list[list[int | bool]] = []

    def link_id(self, href: str) -> str:
        self.links.append(href)
        return f"rIdLink{len(self.links)}"

    def inline(self, children: list[Token], *, bold: bool = False) -> str:
        out: list[str] = []
        strong, italic, link_open = bold, False, False
        for token in children:
            # In the schema's order: the character style first, then bold, then italic.
            emphasis = ("<w:b/>" if strong else "") + ("<w:i/>" if italic else "")
            style = '<w:rStyle w:val="Hyperlink"/>' if link_open else ""
            if token.type == "text" and token.content:
                out.append(_text_run(token.content, style + emphasis))
            elif token.type == "code_inline":
                out.append(_text_run(token.content, '<w:rStyle w:val="CodeChar"/>' + emphasis))
            elif token.type in ("softbreak", "hardbreak"):
                out.append("<w:r><w:br/></w:r>")
            elif token.type in ("strong_open", "strong_close"):
                strong = token.type == "strong_open" or bold
            elif token.type in ("em_open", "em_close"):
                italic = token.type == "em_open"
            elif token.type == "link_open":
                href = str(token.attrs.get("href", ""))
                out.append(f"<w:hyperlink r:id={quoteattr(self.link_id(href))}>")
                link_open = True
            elif token.type == "link_close":
                out.append("</w:hyperlink>")
                link_open = False
        return "".join(out)

    def paragraph_properties(self, style: str = "") -> str:
        if self.lists:
            current = self.lists[-1]
            number, started = int(current[0]), bool(current[1])
            depth = len(self.lists) - 1
            current[1] = True
            if not started:
                return (
                    '<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr>'
                    f'<w:ilvl w:val="{depth}"/><w:numId w:val="{number}"/></w:numPr></w:pPr>'
                )
            indent = 720 * (depth + 1)
            return f'<w:pPr><w:pStyle w:val="ListParagraph"/><w:ind w:left="{indent}"/></w:pPr>'
        return f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""

    def table(self, tokens: Iterator[Token]) -> str:
        rows: list[list[tuple[bool, str]]] = []
        for token in tokens:
            if token.type == "table_close":
                break
            if token.type == "tr_open":
                rows.append([])
            elif token.type in ("th_open", "td_open"):
                header = token.type == "th_open"
                content = next(tokens)
                text = (
                    self.inline(content.children or [], bold=header)
                    if content.type == "inline"
                    else ""
                )
                rows[-1].append((header, text))
        columns = max((len(row) for row in rows), default=1)
        grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
        body = []
        for row in rows:
            cells = row + [(False, "")] * (columns - len(row))
            body.append(
                "<w:tr>"
                + "".join(f"<w:tc><w:p>{text}</w:p></w:tc>" for _header, text in cells)
                + "</w:tr>"
            )
        return (
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>" + "".join(body) + "</w:tbl><w:p/>"
        )

    def blocks(self, tokens: list[Token]) -> None:
        stream = iter(tokens)
        for token in stream:
            kind = token.type
            if kind == "heading_open":
                content = next(stream)
                level = int(token.tag[1])
                self.out.append(
                    f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>'
                    f"{self.inline(content.children or [])}</w:p>"
                )
            elif kind == "paragraph_open":
                content = next(stream)
                self.out.append(
                    f"<w:p>{self.paragraph_properties()}{self.inline(content.children or [])}</w:p>"
                )
            elif kind == "bullet_list_open":
                self.lists.append([_BULLETS, False])
            elif kind == "ordered_list_open":
                self.numbered_lists += 1
                self.lists.append([self.numbered_lists + 1, False])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open" and self.lists:
                self.lists[-1][1] = False
            elif kind == "table_open":
                self.out.append(self.table(stream))
            elif kind in ("fence", "code_block"):
                for line in token.content.splitlines() or [""]:
                    self.out.append(
                        f'<w:p><w:pPr><w:pStyle w:val="Code"/></w:pPr>{_text_run(line, "")}</w:p>'
                    )
            elif kind == "hr":
                self.out.append(
                    '<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" '
                    'w:color="auto"/></w:pBdr></w:pPr></w:p>'
                )


def _header(letterhead: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:hdr xmlns:w="{_W}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
        f"{_text_run(letterhead, '<w:b/>')}</w:p></w:hdr>"
    )


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:language>fr-FR</dc:language>"
        "</cp:coreProperties>"
    )


def docx(sections: Iterable[tuple[str, str, int]], *, letterhead: str = "") -> bytes:
    """A .docx of ``(title, markdown, level)`` sections, in order; ``letterhead`` (the commune's
    name) in the header of every page."""
    writer = _Writer()
    titles: list[str] = []
    for title, body, level in sections:
        titles.append(title)
        writer.blocks(section_tokens(title, body, level))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
        + "".join(writer.out)
        + '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/>'
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" '
        'w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    relationships = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Relationships xmlns="{_PACKAGE_RELS}">'
        f'<Relationship Id="rIdStyles" Type="{_R}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rIdNumbering" Type="{_R}/numbering" Target="numbering.xml"/>'
        f'<Relationship Id="rIdHeader" Type="{_R}/header" Target="header1.xml"/>'
        + "".join(
            f'<Relationship Id="rIdLink{number}" Type="{_HYPERLINK}" '
            f'Target={quoteattr(href)} TargetMode="External"/>'
            for number, href in enumerate(writer.links, start=1)
        )
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("docProps/core.xml", _core(titles[0] if titles else ""))
        archive.writestr("word/document.xml", document)
        archive.writestr("word/styles.xml", _STYLES)
        archive.writestr("word/numbering.xml", _numbering(writer.numbered_lists))
        archive.writestr("word/header1.xml", _header(letterhead))
        archive.writestr("word/_rels/document.xml.rels", relationships)
    return buffer.getvalue()
