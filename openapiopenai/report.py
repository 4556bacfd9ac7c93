"""Usage and spend over time as one self-contained HTML page (docs/report.md): inline SVG charts, each beside
the table of its numbers, drawn from the per-period tallies that `summarize --every` prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import MAX_PREC, ROUND_HALF_UP, Context, Decimal, localcontext
from html import escape
from importlib import resources
from typing import Final, Literal, TypeVar, cast

from openapiopenai import __version__
from openapiopenai.listing import ListingReport, duration_text, iter_periods, moment_text, utc_text
from openapiopenai.models import KindName
from openapiopenai.usage import Totals, UsageTally, bucket_time

__all__ = ["CHARTS", "MAX_SERIES", "OTHER", "Chart", "KindCounted", "Period", "SpendBy", "render_report"]

Period = Literal["day", "week", "month"]
"""The time axis of a report: UTC calendar days, weeks (from Monday) or months."""
SpendBy = Literal["project_id", "line_item"]
"""What the bars of spend per period are stacked by."""

MAX_SERIES: Final = 10
"""The most series a chart draws in colours of their own; beyond, the smallest are grouped as `OTHER`."""
OTHER: Final = "other"


@dataclass(frozen=True)
class Chart:
    """One chart of a kind: the counter it shows per period, or the level read at each (bytes stored)."""

    counter: str
    title: str
    unit: str
    level: bool = False

    def value(self, totals: Totals) -> int:
        return (totals.levels[self.counter].latest or 0) if self.level else totals.counts[self.counter]


_INPUT, _REQUESTS, _CALLS = (
    Chart("input_tokens", "Input tokens", "tokens"),
    Chart("num_model_requests", "Requests", "requests"),
    Chart("num_requests", "Calls", "calls"),
)
CHARTS: Final[Mapping[KindName, tuple[Chart, ...]]] = {
    "completions": (_INPUT, Chart("output_tokens", "Output tokens", "tokens"), _REQUESTS),
    "embeddings": (_INPUT, _REQUESTS),
    "moderations": (_INPUT, _REQUESTS),
    "images": (Chart("images", "Images", "images"), _REQUESTS),
    "audio_speeches": (Chart("characters", "Characters", "characters"), _REQUESTS),
    "audio_transcriptions": (Chart("seconds", "Seconds transcribed", "seconds"), _REQUESTS),
    "vector_stores": (Chart("usage_bytes", "Bytes stored", "bytes", level=True),),
    "code_interpreter_sessions": (Chart("num_sessions", "Sessions", "sessions"),),
    "file_search_calls": (_CALLS,),
    "web_search_calls": (_CALLS, _REQUESTS),
}
"""The charts of each kind of usage, main counter first; costs have a section of their own."""


@dataclass(frozen=True)
class KindCounted:
    """One kind as `summarize` counted it: its listing, and its tally per period (`None`: no results)."""

    listing: ListingReport
    tally: UsageTally | None

    @property
    def name(self) -> str:
        """The tally's kind, else the listing's (`combine_pages` cannot always tell it)."""
        if self.tally is not None and self.tally.kind is not None:
            return self.tally.kind
        return self.listing.kind


Number = int | Decimal
_Key = str | bool | None
_T = TypeVar("_T")
_FIELD_LABELS: Final = {"project_id": "project", "line_item": "line item", "model": "model"}
# Sums exact however many digits money has (the default context rounds at 28); half a cent rounds up.
_WIDE: Final = Context(prec=MAX_PREC, rounding=ROUND_HALF_UP)
_SHARE: Final = Context(prec=28)  # a share need not be exact, and a third in full would never end
_CENT: Final = Decimal("0.01")


def render_report(
    kinds: Sequence[KindCounted],
    every: Period,
    *,
    names: Mapping[str, str] | None = None,
    spend_by: SpendBy = "project_id",
) -> str:
    """The report as the text of one HTML page, with `names` beside the ids they name; a kind whose listing is
    incomplete is labelled partial. `ValueError` for a tally not counted per period of `every`."""
    with localcontext(_WIDE):
        return "".join(_Page(every, names or {}, spend_by).render(kinds))


@dataclass
class _Series:
    """A chart's `values[series][period]`, the `totals` of each period, and the group of every series in the
    order drawn (`keys`, those in other last)."""

    labels: list[str]
    periods: list[int]
    values: list[list[Number]]
    totals: list[Number]
    keys: list[_Key]


@dataclass
class _Page:
    every: Period
    names: Mapping[str, str]
    spend_by: SpendBy
    charts: int = 0

    def render(self, kinds: Sequence[KindCounted]) -> Iterator[str]:
        starts = [kind.listing.start for kind in kinds if kind.listing.start is not None]
        ends = [kind.listing.end for kind in kinds if kind.listing.end is not None]
        span = f"{utc_text(min(starts))[:10]} to {utc_text(max(ends))[:10]} UTC" if starts and ends else "no buckets"
        partial = [kind.name for kind in kinds if not kind.listing.complete]
        yield _HEAD.format(
            title=escape(f"Usage and spend, {span}"),
            style=(resources.files("openapiopenai") / "data" / "report.css").read_text("utf-8"),
        )
        yield f'<header><h1>Usage and spend</h1><p class="sub">{escape(span)}, per {self.every} (UTC)'
        yield f" &middot; openapiopenai {escape(__version__)}</p>"
        if partial:
            yield (
                '<p class="partial-banner" role="alert"><strong>Partial:</strong> the listing of '
                f"{escape(', '.join(partial))} is incomplete, so its totals, charts and tables count only the "
                "buckets read.</p>"
            )
        yield "</header><main>"
        yield from self._counted(kinds)
        for kind in kinds:
            if kind.name == "costs" and kind.tally is not None:
                yield from self._spend(kind.tally, kind.listing)
        for kind in kinds:
            if kind.name in CHARTS and kind.tally is not None:
                yield from self._usage(kind.name, kind.tally, kind.listing)
        yield "</main></body></html>\n"

    def _counted(self, kinds: Sequence[KindCounted]) -> Iterator[str]:
        yield (
            '<section id="counted"><h2>What was counted</h2><div class="table-wrap"><table class="counted">'
            "<caption>Each kind's listing, checked as one: the buckets read and whether any is missing</caption>"
            "<thead><tr>"
        )
        for head in ("kind", "period (UTC)", "bucket width", "#buckets", "#pages", "#results", "complete"):
            number = ' class="num"' if head.startswith("#") else ""
            yield f'<th scope="col"{number}>{head.lstrip("#")}</th>'
        yield "</tr></thead><tbody>"
        for kind in kinds:
            listing = kind.listing
            period = "none"
            if listing.start is not None and listing.end is not None:
                period = f"{moment_text(listing.start)} to {moment_text(listing.end)}"
            widths = ", ".join(map(duration_text, listing.widths)) or "none"
            gaps = "; ".join(escape(str(gap)) for gap in listing.gaps)
            complete = "yes" if listing.complete else f"<strong>no, partial</strong>: {gaps}"
            counts = "".join(_cell(count, money=False) for count in (listing.buckets, listing.pages, listing.results))
            yield (
                f'<tr data-kind="{escape(kind.name)}"><th scope="row">{escape(kind.name)}</th>'
                f"<td>{escape(period)}</td><td>{escape(widths)}</td>{counts}<td>{complete}</td></tr>"
            )
        yield "</tbody></table></div></section>"

    def _spend(self, tally: UsageTally, listing: ListingReport) -> Iterator[str]:
        partial = _partial(listing)
        total = tally.total
        yield f'<section id="spend"><h2>Spend{partial}</h2><div class="cards">'
        for currency in total.amounts or ["usd"]:
            amount = total.amounts.get(currency, Decimal(0))
            yield (
                f'<p class="card" data-currency="{escape(currency)}" data-value="{_exact(amount)}">'
                f'<span class="card-label">Total spend{partial}</span>'
                f'<span class="card-value">{_money(amount)} <abbr>{escape(currency.upper())}</abbr></span></p>'
            )
        yield "</div>"
        yield from _missing(total, ("amount.value", "amount.currency"))
        by = self.spend_by if self.spend_by in tally.by else None
        stacked = f" by {_FIELD_LABELS[by]}" if by else ""
        for currency in total.amounts:
            series = self._series(tally, by, listing, _spent(currency))
            title = f"Spend per {self.every}{stacked}, {currency.upper()}{partial}"
            yield from self._chart(f"spend-{currency}", title, currency.upper(), series)
        yield '<div class="tops">'
        for field_name in ("line_item", "project_id"):
            if field_name in tally.by:
                for currency, whole in total.amounts.items():
                    yield from self._top(tally, field_name, currency, whole, partial)
        yield "</div></section>"

    def _top(self, tally: UsageTally, field_name: str, currency: str, whole: Decimal, partial: str) -> Iterator[str]:
        """The largest groups of one field by spend, with their share of the total; the rest in one row."""
        index = tally.by.index(field_name)
        sums: dict[_Key, Decimal] = {}
        for group in tally.iter_groups():
            amount = group.totals.amounts.get(currency)
            if amount:  # no spend in this currency: not a line of its list
                key = group.values[index]
                sums[key] = sums.get(key, Decimal(0)) + amount
        shown, rest = _fold(sorted(sums.items(), key=lambda item: (-item[1], _label_key(item[0]))))
        label = _FIELD_LABELS[field_name]
        unit = escape(currency.upper())
        name = escape(f"top-{field_name.replace('_', '-')}-{currency}")
        yield (
            f'<figure class="top" id="{name}" data-chart="{name}"><div class="table-wrap">'
            f"<table><caption>Top {label}s by spend, {unit}{partial}</caption>"
            f'<thead><tr><th scope="col">{label}</th><th scope="col" class="num">{unit}</th>'
            '<th scope="col" class="num">share</th><th scope="col" class="share-bar"><span class="visually-hidden">'
            "share as a bar</span></th></tr></thead><tbody>"
        )
        rows: list[tuple[str, Number]] = [(self._label(key), amount) for key, amount in shown]
        if rest:
            rows.append((f"{OTHER} ({len(rest)} {label}s)", sum(amount for _, amount in rest)))
        for text, spent in rows:
            percent = _SHARE.divide(spent, whole) * 100 if whole else Decimal(0)
            yield (
                f'<tr><th scope="row">{escape(text)}</th>{_cell(spent, money=True)}'
                f'<td class="num">{percent.quantize(Decimal("0.1"))}%</td><td class="share-bar"><span style="width:'
                f'{max(0.0, min(100.0, float(percent))):.1f}%"></span></td></tr>'
            )
        yield (
            f'</tbody><tfoot><tr><th scope="row">total</th>{_cell(whole, money=True)}'
            '<td class="num">100%</td><td></td></tr></tfoot></table></div></figure>'
        )

    def _usage(self, name: str, tally: UsageTally, listing: ListingReport) -> Iterator[str]:
        partial = _partial(listing)
        total = tally.total
        yield f'<section id="usage-{escape(name)}"><h2>{escape(name.replace("_", " ").capitalize())}{partial}</h2>'
        by = "model" if "model" in tally.by else "project_id" if "project_id" in tally.by else None
        stacked = f" by {_FIELD_LABELS[by]}" if by else ""
        order: list[_Key] = []  # the main chart's: each group in the same colour in every chart
        for chart in CHARTS[cast("KindName", name)]:
            series = self._series(tally, by, listing, chart.value, order)
            order = order or series.keys
            if chart.level:
                level = total.levels[chart.counter]
                overall = f"latest {level.latest or 0:,}, peak {level.peak or 0:,} {chart.unit}"
            else:
                overall = f"total {total.counts[chart.counter]:,} {chart.unit}"
            title = f"{chart.title} per {self.every}{stacked}{partial}"
            yield from self._chart(f"{name}-{chart.counter}", title, chart.unit, series, overall, level=chart.level)
            yield from _missing(total, (chart.counter,))
        yield "</section>"

    def _series(
        self,
        tally: UsageTally,
        by: str | None,
        listing: ListingReport,
        value: Callable[[Totals], Number],
        order: Sequence[_Key] = (),
    ) -> _Series:
        """The value of each group of `by` in each period, largest first but those of `order` first in that
        order, so that a group keeps its colour across the charts of one kind."""
        index = tally.by.index(by) if by is not None else None
        periods = []
        if listing.start is not None and listing.end is not None:
            periods = list(iter_periods(listing.start, listing.end, self.every))
        at = {start: number for number, start in enumerate(periods)}
        rows: dict[_Key, list[Number]] = {}
        for group in tally.iter_groups(by_time=True):
            period = at.get(bucket_time(group.bucket_start)) if group.bucket_start is not None else None
            if period is None:
                raise ValueError(f"the tally of {tally.kind} is not counted per {self.every} of its listing")
            key = group.values[index] if index is not None else None
            rows.setdefault(key, [0] * len(periods))[period] += value(group.totals)
        place = {key: number for number, key in enumerate(order)}
        ranked = sorted(
            rows.items(), key=lambda item: (place.get(item[0], len(place)), -sum(item[1]), _label_key(item[0]))
        )
        kept, rest = _fold(ranked)
        labels = [self._label(key) for key, _ in kept] if by is not None else ["all"] * len(kept)
        values = [row for _, row in kept]
        if rest:
            labels.append(f"{OTHER} ({len(rest)})")
            values.append([sum(row[period] for _, row in rest) for period in range(len(periods))])
        totals = [sum(row[period] for row in values) for period in range(len(periods))]
        return _Series(labels, periods, values, totals, [key for key, _ in ranked])

    def _chart(
        self, name: str, title: str, unit: str, series: _Series, overall: str = "", *, level: bool = False
    ) -> Iterator[str]:
        """A stacked bar chart, its legend, and the table of its numbers."""
        self.charts += 1
        number = self.charts
        money = any(isinstance(value, Decimal) for row in series.values for value in row)
        yield (
            f'<figure class="chart" id="{escape(name)}" data-chart="{escape(name)}" '
            f'data-bars="{len(series.periods)}" data-series="{len(series.labels)}">'
            f'<figcaption id="title-{number}"><h3>{escape(title)}</h3>'
        )
        if overall:
            yield f'<p class="overall">{escape(overall)}</p>'
        yield '</figcaption><div class="chart-body"><div class="plot">'
        yield from self._svg(number, unit, series, money=money)
        yield '<ul class="legend">'
        for index, label in enumerate(series.labels):
            yield f'<li><span class="key s{index}" aria-hidden="true"></span>{escape(label)}</li>'
        yield "</ul></div>"
        yield from self._table(title, unit, series, money=money, level=level)
        yield "</div></figure>"

    def _svg(self, number: int, unit: str, series: _Series, *, money: bool) -> Iterator[str]:
        width, height = 760, 300
        left, right, top, bottom = 84, 12, 14, 46
        plot_w, plot_h = width - left - right, height - top - bottom
        base = top + plot_h
        ticks = _ticks(max((float(total) for total in series.totals), default=0.0), money=money)
        scale = plot_h / float(ticks[-1])
        yield (
            f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="title-{number}" '
            f'preserveAspectRatio="xMinYMin meet" class="bars">'
        )
        cents = money and any(tick != int(tick) for tick in ticks)  # 2.50 beside 5.00, not beside 5
        for tick in ticks:
            y = base - float(tick) * scale
            yield (
                f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                f"{_money(tick) if cents else f'{int(tick):,}'}</text>"
            )
        yield (
            f'<text class="axis" transform="translate(14 {top + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
            f"{escape(unit)}</text>"
        )
        count = len(series.periods)
        slot = plot_w / count if count else plot_w
        bar = max(slot * 0.78, 0.6)
        every_nth = max(1, -(-count // 10))
        for period, start in enumerate(series.periods):
            x = left + period * slot + (slot - bar) / 2
            label = self._period(start)
            yield f'<g class="bar" data-period="{label}">'
            y = float(base)
            for index, row in enumerate(series.values):
                if row[period]:
                    h = float(row[period]) * scale
                    y -= h
                    yield (
                        f'<rect class="s{index}" x="{x:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{max(h, 0.0):.2f}">'
                        f"<title>{escape(label)}, {escape(series.labels[index])}: "
                        f"{escape(_figure(row[period], unit))}</title></rect>"
                    )
            yield "</g>"
            if period % every_nth == 0:
                yield (
                    f'<text class="tick" x="{left + period * slot + slot / 2:.1f}" y="{base + 16}" '
                    f'text-anchor="middle">{self._period(start, short=True)}</text>'
                )
        yield (
            f'<line class="baseline" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>'
            f'<text class="axis" x="{left + plot_w / 2:.0f}" y="{height - 6}" text-anchor="middle">'
            f"{self.every} (UTC)</text></svg>"
        )

    def _table(self, title: str, unit: str, series: _Series, *, money: bool, level: bool) -> Iterator[str]:
        rows = series.values if len(series.labels) > 1 else []  # one series: its total is the only column
        yield (
            f'<div class="table-wrap" tabindex="0"><table class="numbers"><caption>{escape(title)}, in {escape(unit)}'
            f'</caption><thead><tr><th scope="col">{self.every}</th>'
        )
        yield "".join(f'<th scope="col" class="num">{escape(label)}</th>' for label in series.labels if rows)
        yield '<th scope="col" class="num">total</th></tr></thead><tbody>'
        for period, start in enumerate(series.periods):
            cells = "".join(_cell(row[period], money=money) for row in [*rows, series.totals])
            yield f'<tr><th scope="row">{self._period(start)}</th>{cells}</tr>'
        yield "</tbody>"
        if not level:  # a level is not added across periods
            cells = "".join(_cell(sum(row), money=money) for row in [*rows, series.totals])
            yield f'<tfoot><tr><th scope="row">total</th>{cells}</tr></tfoot>'
        yield "</table></div>"

    def _label(self, key: _Key) -> str:
        if key is None:
            return "(none)"
        if isinstance(key, bool):
            return "true" if key else "false"
        name = self.names.get(key)
        return f"{name} ({key})" if name else key or '""'  # an empty value shown as summarize's table shows it

    def _period(self, start: int, *, short: bool = False) -> str:
        text = utc_text(start)
        return text[:7] if self.every == "month" else text[5 if short else 0 : 10]


def _partial(listing: ListingReport) -> str:
    return "" if listing.complete else " (partial)"


def _missing(total: Totals, fields: Iterable[str]) -> Iterator[str]:
    for name in fields:
        count = total.missing.get(name)
        if count:
            yield (
                f'<p class="note">{count:,} result{"" if count == 1 else "s"} lack {escape(name)}: '
                "its figures count the others only.</p>"
            )


def _spent(currency: str) -> Callable[[Totals], Number]:
    return lambda totals: totals.amounts.get(currency, Decimal(0))


def _fold(ranked: list[_T]) -> tuple[list[_T], list[_T]]:
    """All of them when they fit, else the largest nine and the rest, shown together as other."""
    if len(ranked) <= MAX_SERIES:
        return ranked, []
    return ranked[: MAX_SERIES - 1], ranked[MAX_SERIES - 1 :]


def _label_key(key: _Key) -> tuple[bool, str]:
    return (key is None, str(key))


def _cell(value: Number, *, money: bool) -> str:
    """A table cell: the figure as shown, and in `data-value` exactly as `summarize --format json` writes it."""
    return f'<td class="num" data-value="{_exact(value)}">{_money(value) if money else f"{value:,}"}</td>'


def _figure(value: Number, unit: str) -> str:
    """A bar's tooltip: the figure, and every digit when money has more than cents."""
    if not isinstance(value, Decimal):
        return f"{value:,} {unit}"
    shown, exact = _money(value), _exact(value)
    return f"{shown} {unit}" if shown == exact else f"{shown} {unit} (exactly {exact})"


def _exact(value: Number) -> str:
    return format(value.normalize(_WIDE), "f") if isinstance(value, Decimal) else str(value)


def _money(value: Number) -> str:
    """To the cent, half a cent rounded up, with thousands separators, as `summarize`'s table shows it."""
    return f"{Decimal(value).quantize(_CENT, context=_WIDE):,}"


def _ticks(highest: float, *, money: bool) -> list[Decimal]:
    """Round values for the y axis, from zero to at least `highest`, four or five steps."""
    if highest <= 0:
        return [Decimal(0), Decimal(1)]
    rough = Decimal(repr(highest / 4))
    power = Decimal(1).scaleb(rough.adjusted())
    factors = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
    step = next((power * factor for factor in factors if power * factor >= rough), power * 10)
    if not money and step < 1:
        step = Decimal(1)
    ticks = [Decimal(0)]
    while float(ticks[-1]) < highest:
        ticks.append(ticks[-1] + step)
    return [tick.normalize() if tick else Decimal(0) for tick in ticks]


_HEAD: Final = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="color-scheme" content="light dark">'
    "<title>{title}</title><style>\n{style}</style></head><body>"
)
