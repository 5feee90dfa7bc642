"""The annual report as an HTML page (also the source of the PDF export).

Pure Python (no Django). The page is what an agency publishes on its 政府信息公开 website: the title, the
publication date, for a correction its version and 更正说明, the six section headings, the prose and the
three official tables with their merged header cells (``rowspan``/``colspan``). Every piece of text is
escaped: the prose is typed by users.
"""

from __future__ import annotations

import html

from gongkai.reports.document import ReportDocument
from gongkai.reports.export.layout import Block, Grid, printable, report_blocks

__all__ = ["REPORT_CSS", "render_html", "table_html"]

_SERIF = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", serif'
_SANS = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Serif CJK SC", sans-serif'

#: The report's style sheet, scoped to ``.gongkai-report`` so that a page embedding the fragment
#: (``render_html(..., standalone=False)``) can include it as is. A4 paper with the margins of
#: GB/T 9704 (党政机关公文格式): top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
REPORT_CSS = f"""
@page {{
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
  @bottom-center {{
    content: "— " counter(page) " —";
    font-family: {_SERIF};
    font-size: 10.5pt;
  }}
}}
.gongkai-report {{
  font-family: {_SERIF};
  font-size: 12pt;
  line-height: 1.75;
  color: #000;
  max-width: 52em;
  margin: 0 auto;
}}
.gongkai-report h1 {{
  font-family: {_SANS};
  font-size: 18pt;
  font-weight: bold;
  text-align: center;
  line-height: 1.5;
  margin: 0 0 0.8em;
}}
.gongkai-report .meta {{
  text-align: center;
  margin: 0;
}}
.gongkai-report .meta + h2 {{
  margin-top: 1.2em;
}}
.gongkai-report h2 {{
  font-family: {_SANS};
  font-size: 13pt;
  font-weight: bold;
  margin: 0.9em 0 0.3em;
  text-indent: 2em;
  break-after: avoid;
  page-break-after: avoid;
}}
.gongkai-report p {{
  text-indent: 2em;
  text-align: justify;
  margin: 0 0 0.3em;
}}
.gongkai-report p.meta {{
  text-indent: 0;
}}
.gongkai-report p.note {{
  font-size: 10pt;
  text-indent: 0;
}}
.gongkai-report table {{
  border-collapse: collapse;
  width: 100%;
  margin: 0.5em 0 0.8em;
  font-size: 9pt;
  line-height: 1.35;
}}
.gongkai-report th, .gongkai-report td {{
  border: 0.75pt solid #000;
  padding: 2pt 3pt;
  text-align: center;
  vertical-align: middle;
  font-weight: normal;
}}
.gongkai-report thead th, .gongkai-report th.h {{
  font-weight: bold;
}}
.gongkai-report th.l {{
  text-align: left;
}}
.gongkai-report tr {{
  break-inside: avoid;
  page-break-inside: avoid;
}}
@media print {{
  .gongkai-report {{
    max-width: none;
  }}
}}
""".strip()


def _esc(text: str) -> str:
    return html.escape(printable(text), quote=True)


def table_html(grid: Grid) -> str:
    """A grid as ``<table>``: headers and row labels as ``<th>``, values as ``<td>``, merged cells with
    ``rowspan``/``colspan``."""
    lines = ["<table>"]
    for row in grid.rows:
        cells: list[str] = []
        for cell in row:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.role == "header":
                cells.append(f'<th class="h" scope="col"{attrs}>{_esc(cell.text)}</th>')
            elif cell.role == "label":
                cells.append(f'<th class="l" scope="row"{attrs}>{_esc(cell.text)}</th>')
            else:
                cells.append(f"<td{attrs}>{_esc(cell.text)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def _block_html(block: Block) -> str:
    if block.kind == "title":
        return f"<h1>{_esc(block.text)}</h1>"
    if block.kind == "meta":
        return f'<p class="meta">{_esc(block.text)}</p>'
    if block.kind == "heading":
        return f"<h2>{_esc(block.text)}</h2>"
    if block.kind == "table":
        assert block.grid is not None
        return table_html(block.grid)
    if block.kind == "note":
        return f'<p class="note">{_esc(block.text)}</p>'
    return f"<p>{_esc(block.text)}</p>"


def render_html(doc: ReportDocument, *, standalone: bool = True) -> str:
    """The report as a complete HTML page (``standalone``), or only its ``<article>`` to embed in a page
    that includes :data:`REPORT_CSS`."""
    body = "\n".join(
        ['<article class="gongkai-report" lang="zh-CN">']
        + [_block_html(b) for b in report_blocks(doc)]
        + ["</article>"]
    )
    if not standalone:
        return body
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(doc.title)}</title>",
            f"<style>\n{REPORT_CSS}\n</style>",
            "</head>",
            "<body>",
            body,
            "</body>",
            "</html>",
            "",
        ]
    )
