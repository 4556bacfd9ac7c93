"""What the reference scripts share: the fields each kind totals, and writing totals as `summarize --format csv` does.

A reference script reads a JSON Lines export of one kind, validates each page against its own models,
adds the counters up per group in a dict, and writes the same csv as `openapiopenai summarize --by ...
--format csv`, so the runner can check that every tool computed the same totals.
"""

import decimal
import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any, Final

COUNTERS: Final = {
    "images": ("images", "num_model_requests"),
    "completions": (
        "input_tokens",
        "input_cached_tokens",
        "input_cache_write_tokens",
        "input_uncached_tokens",
        "output_tokens",
        "input_text_tokens",
        "output_text_tokens",
        "input_cached_text_tokens",
        "input_audio_tokens",
        "input_cached_audio_tokens",
        "output_audio_tokens",
        "input_image_tokens",
        "input_cached_image_tokens",
        "output_image_tokens",
        "num_model_requests",
    ),
    "costs": (),
}
"""Each kind's integer fields, in field order: the columns of its totals."""

MONEY: Final = decimal.Context(prec=decimal.MAX_PREC, traps=[decimal.Inexact, decimal.InvalidOperation])
WIDE: Final = decimal.Context(prec=decimal.MAX_PREC)


def exact(value: float | int) -> Decimal:
    """A JSON number as the decimal it was written as (a float's repr reads back as the same float)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def tally(
    pages: Iterable[Any], kind: str, by: Sequence[str], missing: object
) -> tuple[dict[tuple[Any, ...], list[Any]], list[str]]:
    """The sums per group of one kind's pages, and the currencies in order: what both reference scripts
    compute, each from its own decoded pages. `missing` is the script's value for an absent field,
    which groups with `null` as `summarize` groups them."""
    key_of = attrgetter(*by)
    counters = COUNTERS[kind]
    values_of = attrgetter(*counters) if counters else None
    groups: dict[Any, list[Any]] = {}
    currencies: dict[str, int] = {}
    for page in pages:
        for bucket in page.data:
            for result in bucket.results:
                key = key_of(result)
                sums = groups.get(key)
                if kind == "costs":
                    if sums is None:
                        sums = groups[key] = []
                    amount = result.amount
                    if amount is missing or amount.value is missing or amount.currency is missing:
                        continue
                    index = currencies.setdefault(amount.currency, len(currencies))
                    sums.extend([Decimal(0)] * (index + 1 - len(sums)))
                    sums[index] = MONEY.add(sums[index], exact(amount.value))
                    continue
                if sums is None:
                    sums = groups[key] = [0] * len(counters)
                for index, value in enumerate(values_of(result)):  # type: ignore[misc]
                    if value is not missing:
                        sums[index] += value
    order = sorted(currencies)
    if kind == "costs":
        groups = {
            key: [(sums + [Decimal(0)] * len(currencies))[currencies[c]] for c in order] for key, sums in groups.items()
        }
    merged: dict[tuple[Any, ...], list[Any]] = {}
    for key, sums in groups.items():
        # One field gives a value rather than a tuple of them.
        plain = tuple(None if value is missing else value for value in (key if len(by) > 1 else (key,)))
        if plain in merged:
            merged[plain] = [a + b for a, b in zip(merged[plain], sums, strict=True)]
        else:
            merged[plain] = sums
    return merged, order


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(WIDE), "f")  # exact, without trailing zeros or an exponent
    text = str(value)
    if text == "" or any(special in text for special in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(by: Sequence[str], kind: str, groups: dict[tuple[Any, ...], list[Any]], currencies: list[str]) -> None:
    """One row per group, largest first (counters in field order, then money), as `summarize` sorts them."""
    counters = len(COUNTERS[kind])
    if kind == "costs":
        ranked = sorted(groups.items(), key=lambda item: sum(item[1], Decimal(0)), reverse=True)
        header = [*by, *(f"amount_{currency}" for currency in currencies)]
    else:
        ranked = sorted(groups.items(), key=lambda item: item[1][:counters], reverse=True)
        header = [*by, *COUNTERS[kind]]
    out = [",".join(header)]
    out += [",".join(_cell(value) for value in (*key, *sums)) for key, sums in ranked]
    sys.stdout.write("".join(line + "\n" for line in out))
