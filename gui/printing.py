"""File > Print: the same report File > Export writes as PDF, painted on a printer.

The case's builder lays the report out as blocks; reports.pdf lays those out in
pages and paints them on any paged device: here the QPrinter the print dialog set
up, so paper and export never differ."""

from typing import TYPE_CHECKING

from alliance_advisor.reports import pdf
from alliance_advisor.reports.case import Output, report_blocks
from alliance_advisor.rules.case import Result

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter


def print_report(result: Result, printer: "QPrinter", paper: str = "a4") -> int:
    """Paint the report of ``result`` on ``printer``; returns the number of pages. The
    pages are the PDF export's, reproduce line included."""
    report = report_blocks(result, output=Output("pdf", "report.pdf", paper))
    printer.setFullPage(True)
    printer.setDocName(f"{report.title}: reasoning report")
    return pdf.paint_report(report, printer, paper)
