"""The report as a PDF, made with Qt: QTextDocument pages painted onto a QPdfWriter,
the figures painted as vectors with QtSvg, "page N of M" on every page.

Qt is imported only here, and only when a PDF is asked for. The inference chain gets
a landscape page of its own, where it is large enough to read, shared with the threat
profile and the support chart when they fit below it. No table row is split over
two pages: a table is cut before a row that would be, and goes on on the next page.
A table marked ``whole`` that fits on a page is not cut at all: it starts a new page,
with the heading above it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypedDict, cast

from alliance_advisor.presentation.style import INK, MUTED
from alliance_advisor.reports.blocks import Block, Figure, Heading, KeyValues, Para, Report, Run, Table
from alliance_advisor.reports.html import blocks_html, runs_html
from alliance_advisor.rules.errors import ExportError
from alliance_advisor.rules.version import app_version

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import (
        QAbstractTextDocumentLayout,
        QPainter,
        QPdfWriter,
        QTextBlock,
        QTextDocument,
        QTextFrame,
        QTextTable,
    )
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
DPI = 96  # layout units are CSS pixels, as in the figures
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 64, 70, 70
COMPANION_GAP = 24  # between the figures that share the chain's turned page
MIN_COMPANION_SCALE = 0.55  # smaller than this, a figure's labels are too small to read
MAX_TABLE_SPLITS = 200  # page breaks placed in tables, at most, in one document
FONT_FAMILIES = ["Helvetica Neue", "Helvetica", "Arial", "Liberation Sans", "DejaVu Sans"]

# QTextDocument reads a subset of CSS 2.1: no pseudo-classes, borders on tables only.
QT_STYLE = f"""
body {{ color: {INK}; font-size: 9.5pt; }}
h1 {{ font-size: 20pt; margin-top: 0; margin-bottom: 4px; }}
h2 {{ font-size: 13.5pt; margin-top: 22px; margin-bottom: 6px; color: #102a43; }}
h3 {{ font-size: 11pt; margin-top: 14px; margin-bottom: 4px; }}
p {{ margin-top: 4px; margin-bottom: 4px; }}
p.lead {{ color: {MUTED}; font-size: 11pt; margin-bottom: 12px; }}
p.verdict {{ font-size: 13pt; color: #0f2c4f; background-color: #e6eef8; margin-top: 6px; margin-bottom: 6px; }}
p.small {{ color: {MUTED}; font-size: 8.5pt; }}
p.caption {{ color: {MUTED}; font-size: 8.5pt; margin-bottom: 12px; }}
code {{ font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 8pt; color: #243b53; }}
table {{ border-collapse: collapse; margin-top: 6px; margin-bottom: 8px; }}
th {{ color: {MUTED}; font-size: 8pt; font-weight: bold; text-align: left; background-color: #f1f4f7;
     padding: 4px; border-bottom: 1px solid #c5ced8; }}
td {{ padding: 4px; vertical-align: top; }}
table.grid td {{ font-size: 8.5pt; border-bottom: 1px solid #e3e8ee; }}
table.kv {{ margin-top: 4px; margin-bottom: 10px; }}
table.kv td {{ padding: 4px 8px; }}
li {{ margin-bottom: 3px; }}
"""


_app: QApplication | None = None  # the application we made, kept alive for every later PDF


def _ensure_app() -> QApplication:
    """An application object for painting; headless machines get the offscreen platform."""
    global _app
    if not os.environ.get("QT_QPA_PLATFORM") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # A full QApplication, not a QGuiApplication: if the app (or its tests) later
    # runs in the same process, it needs widgets, and Qt allows one application.
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        _app = QApplication(["alliance-advisor"])
    return cast(QApplication, QApplication.instance())


def _split_at_wide_figure(report: Report) -> tuple[list[Block], list[Block], list[Block]]:
    """(blocks before, the wide figure with its heading, blocks after)."""
    for n, block in enumerate(report.blocks):
        if isinstance(block, Figure) and block.wide:
            head = n - 1 if n and isinstance(report.blocks[n - 1], Heading) else n
            return report.blocks[:head], report.blocks[head : n + 1], report.blocks[n + 1 :]
    return report.blocks, [], []


# A figure's placeholder in a text document: its SVG and the size it is drawn at.
FigureSizes = dict[str, tuple[str, float, float]]

if TYPE_CHECKING:

    class LandscapePlan(TypedDict):
        """Where the turned page's pieces go (see _PdfPainter.landscape_plan)."""

        head: QTextDocument
        chain: QRectF
        caption: QTextDocument
        companions: list[tuple[Figure, QRectF]]
        companion_caption: QTextDocument | None
        companion_caption_top: float


class _PdfPainter:
    """Paints text documents and figures page by page onto one QPdfWriter."""

    def __init__(self, writer: QPdfWriter | QPrinter, title: str, footer_left: str) -> None:
        from PySide6.QtGui import QFont, QPainter

        self.writer = writer
        self.title = title
        self.footer_left = footer_left
        self.painter = QPainter()
        self.font = QFont()
        self.font.setFamilies(FONT_FAMILIES)
        self.font.setPointSizeF(9.5)
        self.page = 0
        self.total = 0

    # -- documents
    def document(self, blocks: list[Block], width: float) -> tuple[QTextDocument, FigureSizes]:
        from PySide6.QtCore import QSizeF, QUrl
        from PySide6.QtGui import QImage, QTextDocument

        figures: FigureSizes = {}

        def new_document() -> QTextDocument:
            doc = QTextDocument()
            doc.setUseDesignMetrics(True)
            doc.documentLayout().setPaintDevice(self.writer)
            doc.setDefaultFont(self.font)
            doc.setDefaultStyleSheet(QT_STYLE)
            doc.setDocumentMargin(0)
            return doc

        def placeholder(fig: Figure) -> str:
            w, h = _svg_size(fig.svg)
            scale = min(1.0, width / w)
            figures[fig.key] = (fig.svg, w * scale, h * scale)
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(0)
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"figure:{fig.key}"), blank)
            return (
                f'<p align="center"><img src="figure:{fig.key}" width="{w * scale:.0f}" '
                f'height="{h * scale:.0f}"></p><p class="caption">{runs_html(fig.caption)}</p>'
            )

        # Qt splits a table row over two pages when its first line fits on the first:
        # lay out, find the first row that crosses a page, cut its table there so that
        # the rest starts a new page (with the header again), and lay out anew. A
        # whole table that would be cut starts a new page instead (its heading with it).
        pieces: list[Block] = list(blocks)
        continued: set[int] = set()
        headings_broken: set[int] = set()
        for _attempt in range(MAX_TABLE_SPLITS):
            figures.clear()
            doc = new_document()
            body = blocks_html(
                pieces,
                figure=placeholder,
                table_attrs=lambda blk: (
                    ' width="100%" cellspacing="0"'
                    + (' style="page-break-before: always"' if id(blk) in continued else "")
                ),
            )
            doc.setHtml(f"<body>{body}</body>")
            doc.setPageSize(QSizeF(width, self.body_height()))
            _break_before_headings(
                doc, [blk for blk in pieces if isinstance(blk, Heading) and id(blk) in headings_broken]
            )
            _keep_figures_with_captions(doc, self.body_height())
            _keep_headings_with_next(doc, self.body_height())
            cut = _first_cut_whole_table(doc, pieces, self.body_height())
            if cut is not None:
                # The page break goes before its heading, or before the table itself.
                opener = pieces[cut - 1] if cut and isinstance(pieces[cut - 1], Heading) else pieces[cut]
                marks = headings_broken if isinstance(opener, Heading) else continued
                if id(opener) not in marks:  # once: if that does not do, cut it by rows
                    marks.add(id(opener))
                    continue
            split = _first_split_row(doc, pieces, self.body_height())
            if split is None:
                break
            n, row = split
            head, tail = _split_table(cast("Table | KeyValues", pieces[n]), row)  # the row is a table's
            if head is None:
                continued.add(id(pieces[n]))  # its first row crosses: move the whole table
            else:
                pieces[n : n + 1] = [head, tail]
                continued.add(id(tail))
        return doc, figures

    def body_height(self) -> float:
        return self.writer.height() - MARGIN_TOP - MARGIN_BOTTOM

    def body_width(self) -> float:
        return self.writer.width() - 2 * MARGIN_X

    # -- pages
    def begin(self) -> None:
        if not self.painter.begin(self.writer):
            raise ExportError("Qt could not start painting the PDF")

    def new_page(self) -> None:
        if self.page:
            self.writer.newPage()
        self.page += 1
        self._furniture()

    def paint_document(self, doc: QTextDocument, figures: FigureSizes, pages: Iterable[int] | None = None) -> None:
        """Paint the document's pages (all, or those in ``pages``), one sheet each."""
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QAbstractTextDocumentLayout

        height = self.body_height()
        placed = _figure_positions(doc, figures)
        for page in range(doc.pageCount()) if pages is None else pages:
            self.new_page()
            p = self.painter
            p.save()
            p.translate(MARGIN_X, MARGIN_TOP - page * height)
            clip = QRectF(0, page * height, self.body_width(), height)
            p.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            doc.documentLayout().draw(p, context)
            for svg, rect in placed:
                if clip.intersects(rect):
                    _paint_svg(p, svg, rect)
            p.restore()

    def landscape_plan(self, heading: Heading | None, fig: Figure, companions: list[Figure]) -> LandscapePlan:
        """Where everything goes on the turned page of the wide inference chain: the
        chain as wide as the page, its caption, and below them, side by side, the
        figures that follow it (threat profile, support) when they fit legibly, so
        that the page is not left half empty. Sizes are for the turned page; call
        while the writer is still upright."""
        from PySide6.QtCore import QRectF

        width = self.writer.height() - 2 * MARGIN_X
        height = self.writer.width() - MARGIN_TOP - MARGIN_BOTTOM
        head = self.document([heading] if heading else [], width)[0]
        top = head.size().height() + 8
        caption = self.document([Para(fig.caption, "caption")], width)[0]
        w, h = _svg_size(fig.svg)
        scale = min(width / w, (height - top - caption.size().height() - 8) / h)
        chain = QRectF((width - w * scale) / 2, top, w * scale, h * scale)
        y = chain.bottom() + 8 + caption.size().height() + COMPANION_GAP
        placed: list[tuple[Figure, QRectF]] = []
        shared: QTextDocument | None = None
        if companions:
            # The figures side by side, one caption under them all: narrow captions
            # under each would take the height the figures need.
            sizes = [_svg_size(c.svg) for c in companions]
            gaps = COMPANION_GAP * (len(companions) - 1)
            shared = self.document([Para(_joined_captions(companions), "caption")], width)[0]
            room = height - y - shared.size().height() - 8
            s = min(1.0, (width - gaps) / sum(cw for cw, _ch in sizes), room / max(ch for _cw, ch in sizes))
            if s >= MIN_COMPANION_SCALE:
                total = sum(cw for cw, _ch in sizes) * s + gaps
                x = (width - total) / 2
                for c, (cw, ch) in zip(companions, sizes):
                    placed.append((c, QRectF(x, y, cw * s, ch * s)))
                    x += cw * s + COMPANION_GAP
        return {
            "head": head,
            "chain": chain,
            "caption": caption,
            "companions": placed,
            "companion_caption": shared if placed else None,
            "companion_caption_top": max((r.bottom() for _c, r in placed), default=0) + 8,
        }

    def paint_landscape_figure(self, fig: Figure, plan: LandscapePlan) -> None:
        """A page of its own, turned, for the wide inference chain (and what fits with it)."""
        from PySide6.QtGui import QPageLayout

        self.writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        self.new_page()
        p = self.painter
        p.save()
        p.translate(MARGIN_X, MARGIN_TOP)
        plan["head"].drawContents(p)
        chain = plan["chain"]
        _paint_svg(p, fig.svg, chain)
        p.save()
        p.translate(0, chain.bottom() + 8)
        plan["caption"].drawContents(p)
        p.restore()
        for companion, rect in plan["companions"]:
            _paint_svg(p, companion.svg, rect)
        if plan["companion_caption"] is not None:
            p.translate(0, plan["companion_caption_top"])
            plan["companion_caption"].drawContents(p)
        p.restore()
        self.writer.setPageOrientation(QPageLayout.Orientation.Portrait)

    def end(self) -> None:
        self.painter.end()

    def _furniture(self) -> None:
        """Running title at the top, the version and 'page N of M' at the bottom."""
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

        p = self.painter
        p.save()
        font = QFont(self.font)
        font.setPointSizeF(7.5)
        p.setFont(font)
        p.setPen(QPen(QColor(MUTED)))
        width = self.writer.width() - 2 * MARGIN_X
        top = QRectF(MARGIN_X, MARGIN_TOP - 40, width, 16)
        bottom = QRectF(MARGIN_X, self.writer.height() - MARGIN_BOTTOM + 24, width, 16)
        title = QFontMetricsF(font).elidedText(self.title, Qt.TextElideMode.ElideRight, width * 0.62)
        p.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        p.drawText(
            top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, "Alliance Advisor reasoning report"
        )
        p.setPen(QPen(QColor("#d5dce3"), 0.75))
        p.drawLine(top.bottomLeft(), top.bottomRight())
        p.setPen(QPen(QColor(MUTED)))
        p.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.footer_left)
        p.drawText(
            bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"page {self.page} of {self.total}"
        )
        p.restore()


def _float_page(doc: QTextDocument, first: Heading | Figure, page_height: float) -> int:
    """How many pages of ``doc`` come before the turned page: those up to and with
    the page where ``first`` (the heading or figure that follows the chain) starts,
    or up to it when it opens a page."""
    from PySide6.QtGui import QTextFormat

    layout = doc.documentLayout()
    block = doc.begin()
    while block.isValid():
        if _is_block_of(block, first):
            top = layout.blockBoundingRect(block).top()
            page = int(top // page_height)
            starts_page = block.blockFormat().pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
            return page if starts_page or top - page * page_height < 1 else page + 1
        block = block.next()
    return doc.pageCount()


def _is_block_of(block: QTextBlock, blk: Heading | Figure) -> bool:
    if isinstance(blk, Heading):
        return block.blockFormat().headingLevel() == blk.level and block.text() == blk.text
    for piece in cast("Iterable[QTextBlock.iterator]", block):  # PySide6 iterates a block's fragments
        fmt = piece.fragment().charFormat()
        if fmt.isImageFormat() and fmt.toImageFormat().name() == f"figure:{blk.key}":
            return True
    return False


def _joined_captions(figures: list[Figure]) -> list[Run]:
    runs: list[Run] = []
    for fig in figures:
        if runs:
            runs.append(Run(" "))
        runs.extend(fig.caption)
    return runs


def _tables_in_order(doc: QTextDocument) -> list[QTextTable]:
    """The document's tables, in reading order."""
    from PySide6.QtGui import QTextTable

    found: list[QTextTable] = []

    def walk(frame: QTextFrame) -> None:
        for child in frame.childFrames():
            if isinstance(child, QTextTable):
                found.append(child)
            walk(child)

    walk(doc.rootFrame())
    found.sort(key=lambda t: t.firstPosition())
    return found


def _table_blocks(pieces: list[Block]) -> list[tuple[int, Table | KeyValues]]:
    """(index in pieces, block) of each block that becomes one table in the PDF."""
    return [(n, blk) for n, blk in enumerate(pieces) if isinstance(blk, (Table, KeyValues))]


def _row_extent(layout: QAbstractTextDocumentLayout, table: QTextTable, row: int) -> tuple[float, float]:
    """(top, bottom) of a table row's text in document coordinates."""
    tops: list[float] = []
    bottoms: list[float] = []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if not cell.isValid():
            continue
        tops.append(layout.blockBoundingRect(cell.firstCursorPosition().block()).top())
        bottoms.append(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom())
    return (min(tops), max(bottoms)) if tops else (0.0, 0.0)


def _first_split_row(doc: QTextDocument, pieces: list[Block], page_height: float) -> tuple[int, int] | None:
    """(index in pieces, row index in its block) of the first row that starts on
    one page and ends on the next, or None. A row taller than most of a page
    cannot be kept whole and is left to Qt."""
    layout = doc.documentLayout()
    layout.documentSize()
    tables = _tables_in_order(doc)
    blocks = _table_blocks(pieces)
    if len(tables) != len(blocks):
        return None  # not the tables we made: lay out as Qt does
    for table, (n, _blk) in zip(tables, blocks):
        header = table.format().headerRowCount()
        for row in range(header, table.rows()):
            top, bottom = _row_extent(layout, table, row)
            if bottom - top > 0.8 * page_height:
                continue
            if int(top // page_height) != int((bottom - 0.5) // page_height):
                return n, row - header
    return None


def _first_cut_whole_table(doc: QTextDocument, pieces: list[Block], page_height: float) -> int | None:
    """The index in pieces of the first table marked ``whole`` whose rows the page
    break cuts though it (with the heading above it) would fit on a page of its own,
    and which does not start a page already; or None."""
    layout = doc.documentLayout()
    layout.documentSize()
    tables = _tables_in_order(doc)
    blocks = _table_blocks(pieces)
    if len(tables) != len(blocks):
        return None
    for table, (n, blk) in zip(tables, blocks):
        if not getattr(blk, "whole", False) or table.rows() == 0:
            continue
        top = _row_extent(layout, table, 0)[0]
        bottom = _row_extent(layout, table, table.rows() - 1)[1]
        if int(top // page_height) == int((bottom - 0.5) // page_height):
            continue
        start = top
        previous = pieces[n - 1] if n else None
        if isinstance(previous, Heading):
            heading = _block_of(doc, previous)
            if heading is not None:
                start = layout.blockBoundingRect(heading).top()
        if start % page_height < 1 or bottom - start > page_height:
            continue  # it opens a page already, or no page holds it: cut it by rows
        return n
    return None


def _block_of(doc: QTextDocument, heading: Heading) -> QTextBlock | None:
    """The text block of a Heading, or None."""
    block = doc.begin()
    while block.isValid():
        if _is_block_of(block, heading):
            return block
        block = block.next()
    return None


def _break_before_headings(doc: QTextDocument, headings: Sequence[Heading]) -> None:
    """Start a page before each of ``headings`` (Heading blocks)."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    layout = doc.documentLayout()
    layout.documentSize()  # lay out first: a format changed mid-layout leaves blocks unplaced
    for heading in headings:
        block = _block_of(doc, heading)
        if block is not None:
            fmt = block.blockFormat()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            QTextCursor(block).setBlockFormat(fmt)
            layout.documentSize()


def _split_table(block: Table | KeyValues, row: int) -> tuple[Table | KeyValues | None, Table | KeyValues]:
    """The block cut before ``row``: (head, tail), or (None, block) at row 0."""
    if row <= 0:
        return None, block
    if isinstance(block, KeyValues):
        widths = block.widths or (24, 76)  # both pieces keep one key column width
        return (
            replace(block, rows=block.rows[:row], widths=widths),
            replace(block, rows=block.rows[row:], widths=widths),
        )
    return replace(block, rows=block.rows[:row]), replace(block, rows=block.rows[row:])


def _keep_headings_with_next(doc: QTextDocument, page_height: float, room: float = 90) -> None:
    """Start a page before any heading that would sit in the last ``room`` pixels of
    one (QTextDocument knows no 'break-after: avoid')."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    layout = doc.documentLayout()
    layout.documentSize()  # lay out the whole document first: positions are lazy
    block = doc.begin()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.headingLevel():
            top = layout.blockBoundingRect(block).top()
            if top % page_height > page_height - room:
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                layout.documentSize()
        block = block.next()


def _keep_figures_with_captions(doc: QTextDocument, page_height: float) -> None:
    """Start a page before a figure whose caption would fall on the next page (the
    caption is the paragraph after the figure's placeholder)."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    layout = doc.documentLayout()
    layout.documentSize()
    block = doc.begin()
    while block.isValid():
        following = block.next()
        if following.isValid() and _holds_image(block):
            page = int(layout.blockBoundingRect(block).top() // page_height)
            caption_end = layout.blockBoundingRect(following).bottom()
            if int((caption_end - 1) // page_height) > page:
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                layout.documentSize()
        block = following


def _holds_image(block: QTextBlock) -> bool:
    it = block.begin()
    while not it.atEnd():
        if it.fragment().charFormat().isImageFormat():
            return True
        it += 1
    return False


def _svg_size(svg: str) -> tuple[float, float]:
    import re

    match = re.search(r'width="(\d+)" height="(\d+)"', svg)
    assert match is not None  # every figure is drawn at a fixed size
    return float(match.group(1)), float(match.group(2))


def _paint_svg(painter: QPainter, svg: str, rect: QRectF) -> None:
    from PySide6.QtCore import QByteArray
    from PySide6.QtSvg import QSvgRenderer

    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter, rect)


def _figure_positions(doc: QTextDocument, figures: FigureSizes) -> list[tuple[str, QRectF]]:
    """Where the layout put each figure placeholder: [(svg, QRectF in document)]."""
    from PySide6.QtCore import QRectF

    placed: list[tuple[str, QRectF]] = []
    block = doc.begin()
    while block.isValid():
        origin = doc.documentLayout().blockBoundingRect(block).topLeft()
        for piece in cast("Iterable[QTextBlock.iterator]", block):  # PySide6 iterates a block's fragments
            fragment = piece.fragment()
            fmt = fragment.charFormat()
            name = fmt.toImageFormat().name() if fmt.isImageFormat() else ""
            if not name.startswith("figure:"):
                continue
            svg, w, h = figures[name[len("figure:") :]]
            offset = fragment.position() - block.position()
            line = block.layout().lineForTextPosition(offset)
            x = origin.x() + cast("tuple[float, int]", line.cursorToX(offset))[0]
            y = origin.y() + line.y() + line.ascent() - h
            placed.append((svg, QRectF(x, y, w, h)))
        block = block.next()
    return placed


def render_pdf(report: Report, paper: str = "a4") -> bytes:
    """The report (of any kind: its builder laid it out) as PDF bytes, on A4 or Letter paper."""
    _ensure_app()
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QPdfWriter

    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"{report.title}: reasoning report")
    writer.setCreator("Alliance Advisor")
    paint_report(report, writer, paper)
    buffer.close()
    return bytes(buffer.data().data())


def paint_report(report: Report, device: QPdfWriter | QPrinter, paper: str = "a4") -> int:
    """Lay the report out in pages and paint them on ``device``: a QPdfWriter for the
    PDF, the QPrinter of the print dialog for File > Print, so paper and export
    never differ. Returns the number of pages."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    device.setResolution(DPI)
    size = getattr(QPageSize.PageSizeId, PAPER_SIZES[paper])
    device.setPageLayout(QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    footer = (
        f"Alliance Advisor {app_version()} \u00b7 knowledge base {report.knowledge_version} "
        f"\u00b7 generated {report.generated}"
    )
    pages = _PdfPainter(device, report.title, footer)
    before, wide, after = _split_at_wide_figure(report)
    width = pages.body_width()
    plan = None
    fig = cast(Figure, wide[-1]) if wide else None  # the wide figure ends its piece
    if fig is not None:
        heading = wide[0] if isinstance(wide[0], Heading) else None
        companions: list[Figure] = []
        while len(companions) < len(after):
            following = after[len(companions)]
            if not isinstance(following, Figure) or following.wide:
                break
            companions.append(following)
        plan = pages.landscape_plan(heading, fig, companions)
        after = after[len(plan["companions"]) :]
    if fig is not None and plan is not None and after and isinstance(after[0], (Heading, Figure)):
        # The turned page floats: the text goes on to fill the page where the chain
        # would have started, and the turned page follows that page.
        doc, figs = pages.document(before + after, width)
        at = _float_page(doc, after[0], pages.body_height())
        pages.total = doc.pageCount() + 1
        pages.begin()
        try:
            pages.paint_document(doc, figs, range(at))
            pages.paint_landscape_figure(fig, plan)
            pages.paint_document(doc, figs, range(at, doc.pageCount()))
        finally:
            pages.end()
        return pages.total
    first, first_figs = pages.document(before, width)
    rest, rest_figs = pages.document(after, width)
    # An empty document still counts one page: nothing after the turned page (or no
    # turned page at all, as in a brief report) must not end the PDF with a blank sheet.
    trailing = rest.pageCount() if after else 0
    pages.total = first.pageCount() + (1 if wide else 0) + trailing
    pages.begin()
    try:
        pages.paint_document(first, first_figs)
        if fig is not None and plan is not None:
            pages.paint_landscape_figure(fig, plan)
        if after:
            pages.paint_document(rest, rest_figs)
    finally:
        pages.end()
    return pages.total
