"""The department summary as HTML (the page) and PDF (WeasyPrint on the same HTML, see ``pdf``).

The charts are inline SVG from ``charts``, so the page and the PDF show the same drawing; the
template sets an A4 landscape page, which beats print.css's portrait (document styles come
after the stylesheets WeasyPrint is given).
"""

import os
from dataclasses import replace

from flask import current_app, render_template

from perf.evaluation.reports import pdf
from perf.evaluation.reports.charts import summary_charts
from perf.evaluation.reports.summary import Summary
from perf.paging import Page, Window

TEMPLATE = "reports/department_summary.html"


def render_html(summary: Summary, for_pdf: bool, window: Window | None = None, **page) -> str:
    """The summary page; ``page`` adds the screen's links (``downloads``, ``back_url``).

    With ``window`` (the screen), the table and the two per-project charts show one page of the rows;
    the totals and the department's checkpoint chart are over every project. The PDF shows them all.
    """
    rows = None
    if window is not None:
        window = window.within(len(summary.rows))
        rows = Page(summary.rows[window.offset : window.offset + window.per_page], len(summary.rows), window)
    charted = summary if rows is None else replace(summary, rows=rows.items)
    return render_template(
        TEMPLATE,
        summary=summary,
        rows=rows,
        charts=summary_charts(charted),
        title=f"{summary.department_name}{summary.title}",
        for_pdf=for_pdf,
        **page,
    )


def to_bytes(summary: Summary) -> bytes:
    """The PDF of the summary; ``pdf.PdfUnavailable`` when WeasyPrint, Pango or a CJK font is missing."""
    weasyprint = pdf.check()
    css = os.path.join(current_app.static_folder, "css", "print.css")
    document = weasyprint.HTML(string=render_html(summary, for_pdf=True), base_url=current_app.static_folder)
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=css)])
