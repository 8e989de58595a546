"""The markdown of CASE statements, shown as safe HTML.

CASE ``fullStatement`` text is plain text that other tools write as markdown: paragraphs
separated by blank lines, line breaks, and pipe tables. The platform keeps that text as it
came (``Competency.DescriptionFormat.MARKDOWN``) and renders this subset of it; everything else,
HTML included, is escaped and shown as written. The result is sanitised again with nh3, so only
the tags built here can ever reach a page.

No markdown library is a dependency of the platform (markdown-it-py is in the virtualenv only
because the test tool import-linter pulls it in), so the subset is rendered here.
"""

import html
import re

import nh3

TAGS = {"p", "br", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {
    "table": {"class"},
    "thead": {"class"},
    "tbody": {"class"},
    "tr": {"class"},
    "th": {"class", "scope"},
    "td": {"class"},
}
# A delimiter row: | --- | :--: | ---: |  (outer pipes optional, at least one dash per cell)
_DELIMITER_CELL = re.compile(r"\s*:?-+:?\s*")


def _cells(line: str) -> list[str]:
    """A table row's cells: split on pipes not escaped with a backslash, outer pipes dropped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char if char == "|" else "\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    cells.append("".join(current).strip())
    return cells


def _is_delimiter(line: str, columns: int) -> bool:
    if "-" not in line:
        return False
    cells = _cells(line)
    return len(cells) == columns and all(_DELIMITER_CELL.fullmatch(c) for c in cells)


def _table_starts(lines: list[str], i: int) -> bool:
    """A header row with a pipe, then a delimiter row with as many cells."""
    return (
        i + 1 < len(lines)
        and "|" in lines[i]
        and _is_delimiter(lines[i + 1], len(_cells(lines[i])))
    )


def _table(lines: list[str]) -> str:
    header, body = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    width = len(header)
    out = [
        '<table class="nhsuk-table"><thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
    ]
    out += [f'<th scope="col" class="nhsuk-table__header">{html.escape(c)}</th>' for c in header]
    out.append('</tr></thead><tbody class="nhsuk-table__body">')
    for row in body:
        row = (row + [""] * width)[:width]  # as GFM: short rows padded, long rows cut
        out.append('<tr class="nhsuk-table__row">')
        out += [f'<td class="nhsuk-table__cell">{html.escape(c)}</td>' for c in row]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _paragraph(lines: list[str]) -> str:
    return "<p>" + "<br>\n".join(html.escape(line.strip()) for line in lines) + "</p>"


def _block(lines: list[str]) -> list[str]:
    """One run of non-blank lines: paragraphs, with any tables found in them."""
    out: list[str] = []
    text: list[str] = []
    i = 0
    while i < len(lines):
        if _table_starts(lines, i):
            if text:
                out.append(_paragraph(text))
                text = []
            end = i + 2
            while end < len(lines) and "|" in lines[end]:
                end += 1
            out.append(_table(lines[i:end]))
            i = end
        else:
            text.append(lines[i])
            i += 1
    if text:
        out.append(_paragraph(text))
    return out


def render(text: str) -> str:
    """Paragraphs on blank lines, line breaks, pipe tables; everything else escaped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            run.append(line)
        elif run:
            blocks += _block(run)
            run = []
    return nh3.clean("\n".join(blocks), tags=TAGS, attributes=ATTRIBUTES)
