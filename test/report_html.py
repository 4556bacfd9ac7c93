"""Reading a report written by `openapiopenai report` back: its charts, their tables and the exact figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Table:
    """One table: its caption, column headers, and rows as (row header, exact values of the cells)."""

    caption: str = ""
    header: list[str] = field(default_factory=list[str])
    rows: list[tuple[str, list[str]]] = field(default_factory=list[tuple[str, list[str]]])
    footer: list[tuple[str, list[str]]] = field(default_factory=list[tuple[str, list[str]]])


@dataclass
class Figure:
    """A chart (or a top list): its name, title, what it says it draws, its legend, and its table."""

    name: str
    kind: str
    title: str = ""
    bars: int | None = None
    series: int | None = None
    legend: list[str] = field(default_factory=list[str])
    groups: int = 0
    """How many bars the SVG holds (`<g class="bar">`)."""
    rects: int = 0
    table: Table = field(default_factory=Table)


@dataclass
class Report:
    title: str = ""
    figures: dict[str, Figure] = field(default_factory=dict[str, Figure])
    cards: dict[str, str] = field(default_factory=dict[str, str])
    """Total spend per currency, exactly."""
    counted: list[Table] = field(default_factory=list[Table])
    text: str = ""
    """Every text of the page, joined."""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.report = Report()
        self.figure: Figure | None = None
        self.table: Table | None = None
        self.section = ""
        self.cells: list[str] | None = None
        self.row_header: str | None = None
        self.text: list[str] | None = None
        self.value: str | None = None
        self.capture: str | None = None
        self.texts: list[str] = []
        self.svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "figure":
            name = found.get("data-chart") or ""
            self.figure = Figure(
                name,
                "chart" if "chart" in classes else "top",
                bars=int(found["data-bars"] or 0) if "data-bars" in found else None,
                series=int(found["data-series"] or 0) if "data-series" in found else None,
            )
            self.report.figures[name] = self.figure
        elif tag == "table":
            self.table = Table()
            if self.figure is not None:
                self.figure.table = self.table
            else:
                self.report.counted.append(self.table)
        elif tag in ("thead", "tbody", "tfoot"):
            self.section = tag
        elif tag == "tr":
            self.cells, self.row_header = [], None
        elif tag in ("th", "td") and self.cells is not None:
            self.text, self.value = [], found.get("data-value")
        elif tag in ("caption", "h3", "title") or (tag == "li" and self.figure is not None):
            self.capture, self.text = tag, []
        elif tag == "p" and "card" in classes:
            self.report.cards[found["data-currency"] or ""] = found["data-value"] or ""
        elif tag == "g" and "bar" in classes and self.figure is not None:
            self.figure.groups += 1
        elif tag == "rect" and self.figure is not None:
            self.figure.rects += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.figure = None
        elif tag == "table":
            self.table = None
        elif tag in ("th", "td") and self.cells is not None and self.text is not None:
            text = "".join(self.text).strip()
            if self.section == "thead":
                assert self.table is not None
                self.table.header.append(text)
            elif tag == "th" and self.row_header is None:
                self.row_header = text
            else:
                self.cells.append(self.value if self.value is not None else text)
            self.text = None
        elif tag == "tr" and self.cells is not None and self.table is not None:
            if self.section == "tbody":
                self.table.rows.append((self.row_header or "", self.cells))
            elif self.section == "tfoot":
                self.table.footer.append((self.row_header or "", self.cells))
            self.cells = None
        elif tag == self.capture and self.text is not None:
            text = "".join(self.text).strip()
            if tag == "caption" and self.table is not None:
                self.table.caption = text
            elif tag == "h3" and self.figure is not None:
                self.figure.title = text
            elif tag == "li" and self.figure is not None:
                self.figure.legend.append(text)
            elif tag == "title" and self.figure is None:
                self.report.title = text
            self.capture, self.text = None, None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self.text is not None:
            self.text.append(data)


def read_report(html: str) -> Report:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.report.text = "".join(reader.texts)
    return reader.report
