"""What the reference scripts share: the fields each kind totals, and writing totals as `summarize --format csv` does.

A reference script reads a JSON Lines export of one kind, validates each page against its own models,
adds the counters up per group in a dict, and writes the same csv as `openapiopenai summarize --by ...
--format csv`, so the runner can check that every tool computed the same totals.
"""

import decimal
import sys
from collections.abc import Sequence
from decimal import Decimal
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
