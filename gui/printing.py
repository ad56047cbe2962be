"""File > Print: the same report File > Export writes as PDF, painted on a printer.

The pages are laid out by reports.pdf exactly as for the PDF (its page painter
draws on any paged device; here the QPrinter the print dialog set up), so paper
and screen export never differ."""
from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize

from reports import pdf
from reports.content import Heading, report_blocks


def print_report(result, printer, paper="a4"):
    """Paint the report of ``result`` on ``printer``; raises ExportError if Qt cannot."""
    report = report_blocks(result)
    printer.setResolution(pdf.DPI)
    printer.setFullPage(True)
    size = getattr(QPageSize.PageSizeId, pdf.PAPER_SIZES[paper])
    printer.setPageLayout(QPageLayout(QPageSize(size), QPageLayout.Portrait, QMarginsF(0, 0, 0, 0)))
    printer.setDocName(f"{report.title}: reasoning report")
    footer = f"Knowledge base {result.knowledge_version} \u00b7 generated {report.generated}"
    # The same steps as reports.pdf.render_pdf, on the printer instead of a QPdfWriter.
    pages = pdf._PdfPainter(printer, report.title, footer)
    before, wide, after = pdf._split_at_wide_figure(report)
    width = pages.body_width()
    first, first_figs = pages.document(before, width)
    rest, rest_figs = pages.document(after, width)
    pages.total = first.pageCount() + (1 if wide else 0) + rest.pageCount()
    pages.begin()
    try:
        pages.paint_document(first, first_figs)
        if wide:
            heading = wide[0] if isinstance(wide[0], Heading) else None
            pages.paint_landscape_figure(heading, wide[-1])
        pages.paint_document(rest, rest_figs)
    finally:
        pages.end()
    return pages.total
