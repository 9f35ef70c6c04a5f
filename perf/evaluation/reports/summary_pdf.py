"""The department summary as HTML (the page) and PDF (WeasyPrint on the same HTML, see ``pdf``).

The charts are inline SVG from ``charts``, so the page and the PDF show the same drawing; the
template sets an A4 landscape page, which beats print.css's portrait (document styles come
after the stylesheets WeasyPrint is given).
"""

import os

from flask import current_app, render_template

from perf.evaluation.reports import pdf
from perf.evaluation.reports.charts import summary_charts
from perf.evaluation.reports.summary import Summary

TEMPLATE = "reports/department_summary.html"


def render_html(summary: Summary, for_pdf: bool, **page) -> str:
    """The summary page; ``page`` adds the screen's links (``downloads``, ``back_url``)."""
    return render_template(
        TEMPLATE,
        summary=summary,
        charts=summary_charts(summary),
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
