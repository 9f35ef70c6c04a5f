"""The 自评表 as PDF: WeasyPrint renders the print page (the same HTML and print.css).

Why WeasyPrint: it lays out the very HTML the print page shows (one template, one stylesheet,
so page and PDF cannot drift apart), handles rowspan/colspan tables and CSS paged media (A4,
page numbers, a page per project), and embeds subsets of the system fonts it uses, so a CJK font
from fontconfig (Debian: fonts-noto-cjk) ends up inside the file and the PDF shows Chinese on
any machine. ReportLab would need the table drawn a second time in Python and a TTF registered
by path; a headless browser is a far heavier dependency.

What it needs (scripts/setup.sh installs it): the Python package ``weasyprint``, Pango
(``libpango-1.0-0 libpangoft2-1.0-0``) and a CJK font (``fonts-noto-cjk``). Whether they are
there is checked when a PDF is asked for, not at import, so the rest of perf runs without them
and the user gets ``PdfUnavailable`` with a Chinese message instead of a traceback.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from io import BytesIO

from flask import current_app, render_template
from pypdf import PdfWriter

from perf.evaluation.reports.layout import Layout

#: For whoever runs the server (the command line); never shown on a page.
SETUP_HINT = "请运行 scripts/setup.sh，或安装 weasyprint 及系统软件包 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
#: What a page says instead: who can fix it, and what works meanwhile.
PAGE_HINT = "请联系系统管理员；可先下载 Excel 或使用打印页。"


class PdfUnavailable(RuntimeError):
    """PDF output cannot work on this server; the message says why, in Chinese, with what a user can do.

    ``setup`` is how to fix it, for the command line (a page never shows it).
    """

    def __init__(self, message: str, setup: str = SETUP_HINT):
        super().__init__(message if message.endswith(PAGE_HINT) else f"{message}{PAGE_HINT}")
        self.setup = setup


def _weasyprint():
    """The weasyprint module, or PdfUnavailable (it raises OSError at import when Pango is missing)."""
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable("服务器未安装 PDF 组件 WeasyPrint，暂不能生成 PDF。") from exc
    except OSError as exc:
        raise PdfUnavailable("服务器缺少 PDF 所需的系统库 Pango，暂不能生成 PDF。", f"{SETUP_HINT}（{exc}）") from exc
    return weasyprint


def has_cjk_font() -> bool:
    """True when fontconfig knows a font covering Chinese (without one, PDFs would show tofu boxes)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def check() -> object:
    """The weasyprint module when PDF output works here; PdfUnavailable otherwise."""
    module = _weasyprint()
    if not has_cjk_font():
        raise PdfUnavailable("服务器没有中文字体，生成的 PDF 会出现方框乱码，暂不能生成 PDF。")
    return module


def render_html(layouts: Sequence[Layout]) -> str:
    """The print page's HTML for ``layouts`` (one page per project), without links to the screen assets."""
    title = layouts[0].title if len(layouts) == 1 else "项目支出绩效自评表"
    return render_template("reports/self_evaluation.html", layouts=layouts, title=title, for_pdf=True)


def to_bytes(layouts: Sequence[Layout]) -> bytes:
    """The PDF of ``layouts``; PdfUnavailable when WeasyPrint, Pango or a CJK font is missing."""
    weasyprint = check()
    css = os.path.join(current_app.static_folder, "css", "print.css")
    document = weasyprint.HTML(string=render_html(layouts), base_url=current_app.static_folder)
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=css)])


#: Projects laid out together in a bulk PDF: each chunk's WeasyPrint layout is dropped once it is a PDF.
CHUNK = 20


def to_bytes_each(projects: Sequence, layouts_of: Callable[[Sequence], list[Layout]], progress) -> bytes:
    """The PDF of every project's 自评表, ``CHUNK`` projects at a time, calling ``progress(done, total)``.

    The same pages as ``to_bytes``: each chunk's layouts are built (``layouts_of``), laid out and written
    as a PDF of its own, and the chunks' pages joined into one file (pypdf), so the memory a chunk
    takes is given back before the next: it does not grow with the number of projects.
    """
    weasyprint = check()
    stylesheets = [weasyprint.CSS(filename=os.path.join(current_app.static_folder, "css", "print.css"))]
    writer, total = PdfWriter(), len(projects)
    for start in range(0, total, CHUNK):
        chunk = layouts_of(projects[start : start + CHUNK])
        html = weasyprint.HTML(string=render_html(chunk), base_url=current_app.static_folder)
        writer.append(BytesIO(html.write_pdf(stylesheets=stylesheets)))
        progress(min(start + CHUNK, total), total)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
