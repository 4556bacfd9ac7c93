"""Totals, grouping and records for every kind: counters, levels, and money in exact decimals."""

import csv
import io
import json
import pickle
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openapiopenai import KINDS, ApiModel, UsageResponse, UsageResult, UsageTimeBucket
from openapiopenai.usage import (
    COUNTERS,
    LEVELS,
    Level,
    Totals,
    UsageSummary,
    UsageTally,
    combine_pages,
    exact_decimal,
    iter_results,
    to_records,
    totals,
    totals_by,
    totals_per_kind,
)

from openapi_spec import MODEL_SCHEMAS, RESULT_MODELS, example, response_example
from strategies import documents_of_schema, examples, page_documents_of

DAY = 86_400
NOV_1 = 1_730_419_200
COSTS = "organization.costs.result"
VECTOR_STORES = "organization.usage.vector_stores.result"
COMPLETIONS = "organization.usage.completions.result"


def page(*buckets: list[dict[str, Any]], has_more: bool = False) -> UsageResponse[UsageResult]:
    data = [
        {"object": "bucket", "start_time": NOV_1 + day * DAY, "end_time": NOV_1 + (day + 1) * DAY, "results": results}
        for day, results in enumerate(buckets)
    ]
    document = {"object": "page", "data": data, "has_more": has_more, "next_page": "next" if has_more else None}
    return UsageResponse[UsageResult].from_dict(document)


def cost(value: float | None, currency: str | None = "usd", **groups: Any) -> dict[str, Any]:
    amount = {k: v for k, v in (("value", value), ("currency", currency)) if v is not None}
    return {"object": COSTS, "amount": amount, **groups}


def stored(usage_bytes: int, project: str) -> dict[str, Any]:
    return {"object": VECTOR_STORES, "usage_bytes": usage_bytes, "project_id": project}


def completion(input_tokens: int, output_tokens: int, requests: int, **more: Any) -> dict[str, Any]:
    """A completions result with every counter present: the optional ones 0 unless given."""
    counters = dict.fromkeys(COUNTERS["completions"], 0)
    counters.update(input_tokens=input_tokens, output_tokens=output_tokens, num_model_requests=requests)
    return {"object": COMPLETIONS, **counters, **more}


class TestCounters:
    def test_each_kinds_counters_are_its_integer_fields(self) -> None:
        assert COUNTERS == {
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
            "embeddings": ("input_tokens", "num_model_requests"),
            "moderations": ("input_tokens", "num_model_requests"),
            "images": ("images", "num_model_requests"),
            "audio_speeches": ("characters", "num_model_requests"),
            "audio_transcriptions": ("seconds", "num_model_requests"),
            "vector_stores": (),
            "code_interpreter_sessions": ("num_sessions",),
            "file_search_calls": ("num_requests",),
            "web_search_calls": ("num_model_requests", "num_requests"),
            "costs": (),
        }

    @pytest.mark.parametrize("kind", list(KINDS))
    def test_every_integer_field_of_the_spec_is_a_counter_or_a_level(self, kind: str) -> None:
        schema = MODEL_SCHEMAS[KINDS[kind].model]  # type: ignore[index]
        integers = [name for name, prop in schema["properties"].items() if prop.get("type") == "integer"]
        assert [*COUNTERS[kind], *(["usage_bytes"] if kind == "vector_stores" else [])] == integers  # type: ignore[index]


@settings(max_examples=examples(60))
@given(data=st.data(), model=st.sampled_from([kind.model for name, kind in KINDS.items() if COUNTERS[name]]))
def test_counters_add_up_as_the_json_says(data: st.DataObject, model: type[ApiModel]) -> None:
    kind = next(name for name, k in KINDS.items() if k.model is model)
    document = data.draw(page_documents_of(documents_of_schema(MODEL_SCHEMAS[model])))
    parsed = UsageResponse[UsageResult].from_json(json.dumps(document))
    raw = [result for bucket in document["data"] for result in bucket["results"]]
    expected = {name: sum(result.get(name) or 0 for result in raw) for name in COUNTERS[kind]}
    missing = {name: sum(result.get(name) is None for result in raw) for name in COUNTERS[kind]}
    total = totals(parsed, kind=kind)
    assert dict(total.counts) == expected
    assert dict(total.missing) == {name: count for name, count in missing.items() if count}
    assert total.complete is not any(missing.values())


class TestEveryEndpointExample:
    @pytest.mark.parametrize("kind", list(KINDS))
    def test_the_example_response_totals_what_it_holds(self, kind: str) -> None:
        text = response_example(KINDS[kind].path)  # type: ignore[index]
        raw = [result for bucket in json.loads(text)["data"] for result in bucket["results"]]
        total = totals(UsageResponse[UsageResult].from_json(text))
        assert total.kind == kind
        assert dict(total.counts) == {name: sum(result[name] for result in raw) for name in COUNTERS[kind]}  # type: ignore[index]

    def test_the_costs_example_is_six_cents(self) -> None:
        total = totals(UsageResponse[UsageResult].from_json(response_example("/organization/costs")))
        assert total == Totals(kind="costs", amounts={"usd": Decimal("0.06")})

    def test_totals_per_kind_of_every_example_at_once(self) -> None:
        pages = [UsageResponse[UsageResult].from_json(response_example(kind.path)) for kind in KINDS.values()]
        assert list(totals_per_kind(pages)) == list(KINDS)


class TestMoney:
    def test_a_tenth_and_two_tenths_are_three_tenths(self) -> None:
        total = totals(page([cost(0.1), cost(0.2)]))
        assert total.amounts == {"usd": Decimal("0.3")}
        assert 0.1 + 0.2 != 0.3

    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            ([0, 0], "0"),
            ([0.06], "0.06"),
            ([1e-7, 12.345678901234567], "12.345679001234567"),
            ([1e20, 1e-7], "100000000000000000000.0000001"),
            ([0.1] * 10, "1.0"),
            ([10**30, 0.5], "1000000000000000000000000000000.5"),
            ([0.25, -0.25, 3], "3.00"),
        ],
        ids=["zeros", "six-cents", "small-and-long", "wide", "ten-tenths", "big-integer", "through-zero"],
    )
    def test_sums_are_exact(self, values: list[float], expected: str) -> None:
        total = totals(page([cost(value) for value in values]))
        assert str(total.amounts["usd"]) == expected

    def test_the_extremes_keep_every_digit(self) -> None:
        total = totals(page([cost(1.7976931348623157e308), cost(5e-324)]))
        assert total.amounts["usd"] - Decimal("1.7976931348623157e308") == Decimal("5e-324")

    def test_a_decimal_is_the_float_as_written(self) -> None:
        assert exact_decimal(0.1) == Decimal("0.1")
        assert exact_decimal(12.345678901234567) == Decimal("12.345678901234567")
        assert exact_decimal(7) == Decimal(7)

    def test_each_currency_adds_up_on_its_own(self) -> None:
        total = totals(page([cost(1.5, "usd"), cost(2, "eur")], [cost(0.25, "usd")]))
        assert total.amounts == {"eur": Decimal(2), "usd": Decimal("1.75")}

    def test_a_cost_without_value_or_currency_is_counted_as_missing(self) -> None:
        total = totals(page([cost(1.5), cost(None), cost(2, None), {"object": COSTS}]))
        assert total.amounts == {"usd": Decimal("1.5")}
        assert total.missing == {"amount": 3}
        assert not total.complete

    def test_costs_by_line_item_and_project(self) -> None:
        costs = page(
            [cost(0.5, line_item="in", project_id="a"), cost(0.25, line_item="out", project_id="a")],
            [cost(0.5, line_item="in", project_id="b")],
        )
        assert totals_by(costs, "line_item") == {
            ("in",): Totals(kind="costs", amounts={"usd": Decimal("1.0")}),
            ("out",): Totals(kind="costs", amounts={"usd": Decimal("0.25")}),
        }


class TestLevels:
    LISTING = page(
        [stored(100, "a"), stored(50, "b")],
        [stored(120, "a")],
        [],
    )

    def test_a_level_adds_within_a_bucket_and_never_across(self) -> None:
        level = totals(page([stored(100, "a"), stored(50, "b")], [stored(120, "a")])).levels["usage_bytes"]
        assert (level.latest, level.peak) == (120, 150)

    def test_an_empty_latest_bucket_means_nothing_stored(self) -> None:
        level = totals(self.LISTING).levels["usage_bytes"]
        assert (level.latest, level.peak) == (0, 150)

    def test_a_group_absent_from_a_bucket_held_nothing_then(self) -> None:
        groups = totals_by(page([stored(100, "a"), stored(50, "b")], [stored(120, "a")]), "project_id")
        assert {key: (t.levels["usage_bytes"].latest, t.levels["usage_bytes"].peak) for key, t in groups.items()} == {
            ("a",): (120, 120),
            ("b",): (0, 50),
        }

    def test_per_bucket_each_group_has_its_own_level(self) -> None:
        tally = UsageTally(["project_id"], per_bucket=True)
        tally.add(self.LISTING)
        assert [(g.values, g.bucket_start, g.totals.levels["usage_bytes"].peak) for g in tally.groups()] == [
            (("a",), datetime(2024, 11, 2, tzinfo=timezone.utc), 120),
            (("a",), datetime(2024, 11, 1, tzinfo=timezone.utc), 100),
            (("b",), datetime(2024, 11, 1, tzinfo=timezone.utc), 50),
        ]

    def test_levels_add_per_bucket(self) -> None:
        first = Level({NOV_1: 10, NOV_1 + DAY: 5})
        assert first + Level({NOV_1 + DAY: 7}) == Level({NOV_1: 10, NOV_1 + DAY: 12})
        assert repr(first) == "Level(latest=5, peak=10)"

    def test_nothing_counted_has_no_level(self) -> None:
        level = Totals(kind="vector_stores").levels["usage_bytes"]
        assert (level.latest, level.peak) == (None, None)


class TestTotals:
    def test_sum_adds_totals(self) -> None:
        assert sum([Totals(1, 2), Totals(3, 4), Totals(5, 6)]) == Totals(9, 12)
        assert sum([Totals(kind="costs", amounts={"usd": Decimal("0.1")})] * 3) == Totals(
            kind="costs", amounts={"usd": Decimal("0.3")}
        )

    @pytest.mark.parametrize("other", [1, 1.5, "x", None, True], ids=["int", "float", "str", "none", "true"])
    def test_adding_anything_else_is_a_type_error(self, other: Any) -> None:
        with pytest.raises(TypeError, match="unsupported operand"):
            Totals(1, 2) + other
        with pytest.raises(TypeError):
            other + Totals(1, 2)

    def test_adding_another_kind_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="cannot add costs totals to images totals"):
            Totals(1, 2) + Totals(kind="costs")

    def test_counters_read_as_attributes_and_by_name(self) -> None:
        total = Totals(kind="completions", input_tokens=5, num_model_requests=1)
        assert (total.input_tokens, total.counts["num_model_requests"], total.output_tokens) == (5, 1, 0)
        with pytest.raises(AttributeError):
            total.images  # noqa: B018

    def test_an_unknown_counter_is_a_type_error(self) -> None:
        with pytest.raises(
            TypeError, match="images totals have no counter 'tokens': they count images, num_model_requests"
        ):
            Totals(tokens=5)

    def test_totals_are_immutable_hashable_and_pickle(self) -> None:
        total = Totals(kind="costs", amounts={"usd": Decimal("0.3")}, missing={"amount": 1})
        with pytest.raises(AttributeError):
            total.kind = "images"  # type: ignore[misc]
        assert hash(total) == hash(Totals(kind="costs", amounts={"usd": Decimal("0.3")}, missing={"amount": 1}))
        assert pickle.loads(pickle.dumps(total)) == total

    def test_repr(self) -> None:
        assert repr(Totals(12, 9)) == "Totals(images=12, num_model_requests=9)"
        assert repr(Totals(kind="costs", amounts={"usd": Decimal("0.30")}, missing={"amount": 2})) == (
            "Totals(kind='costs', amounts={'usd': Decimal('0.30')}, missing={'amount': 2})"
        )


class TestTally:
    def test_a_string_for_by_is_a_clear_error(self) -> None:
        with pytest.raises(
            TypeError, match=r"by should be a sequence of field names, not the string 'model': write \('model',\)"
        ):
            UsageTally("model")  # type: ignore[arg-type]

    def test_a_field_the_kind_cannot_group_by(self) -> None:
        with pytest.raises(ValueError, match="completions results cannot be grouped by 'size': choose from project_id"):
            UsageTally(["size"], kind="completions")
        tally = UsageTally(["size"])
        with pytest.raises(ValueError, match="completions results cannot be grouped by 'size'"):
            tally.add(page([completion(1, 1, 1)]))

    def test_results_of_two_kinds_are_refused(self) -> None:
        with pytest.raises(ValueError, match="this tally counts completions results, not costs"):
            totals(page([completion(1, 1, 1), cost(1)]))

    def test_completions_group_by_batch_and_service_tier(self) -> None:
        usage = page([completion(5, 1, 1, batch=True, service_tier="flex"), completion(3, 2, 1, batch=False)])
        assert totals_by(usage, "batch", "service_tier") == {
            (True, "flex"): Totals(kind="completions", input_tokens=5, output_tokens=1, num_model_requests=1),
            (False, None): Totals(kind="completions", input_tokens=3, output_tokens=2, num_model_requests=1),
        }

    def test_nothing_counted_gives_zero_totals_of_the_kind_asked(self) -> None:
        assert totals([], kind="costs") == Totals(kind="costs")
        assert totals([]) == Totals(0, 0)


class TestSources:
    USAGE = page([completion(5, 1, 1)], [completion(3, 2, 1)])
    EXPECTED = Totals(kind="completions", input_tokens=8, output_tokens=3, num_model_requests=2)

    @pytest.mark.parametrize(
        "source",
        [
            pytest.param(lambda p: p, id="page"),
            pytest.param(lambda p: [p], id="pages"),
            pytest.param(lambda p: combine_pages([p]), id="listing"),
            pytest.param(lambda p: p.data, id="buckets"),
            pytest.param(lambda p: [r for b in p.data for r in b.results], id="results"),
            pytest.param(lambda p: (r for b in p.data for r in b.results), id="generator"),
            pytest.param(lambda p: list(iter_results(p)), id="timed-results"),
        ],
    )
    def test_totals_take_what_is_at_hand(self, source: Any) -> None:
        assert totals(source(self.USAGE)) == self.EXPECTED

    def test_totals_of_one_bucket(self) -> None:
        expected = Totals(kind="completions", input_tokens=5, output_tokens=1, num_model_requests=1)
        assert totals(self.USAGE.data[0]) == expected

    @pytest.mark.parametrize(
        "source",
        [{"object": "page"}, '{"object": "page"}', b"{}", 5, None],
        ids=["dict", "str", "bytes", "int", "none"],
    )
    def test_anything_else_is_a_type_error(self, source: Any) -> None:
        with pytest.raises(TypeError, match=r"cannot read usage from \w+: pass a page, a listing, buckets or results"):
            totals(source)

    def test_iter_results_takes_a_page_a_listing_or_a_bucket(self) -> None:
        listing = combine_pages([self.USAGE])
        for source in (self.USAGE, listing, self.USAGE.data):
            assert [row.result.input_tokens for row in iter_results(source)] == [5, 3]  # type: ignore[attr-defined]
        assert len(list(iter_results(self.USAGE.data[1]))) == 1


class TestSummary:
    MIXED = page([completion(5, 1, 1, model="m"), cost(0.1, project_id="p")], [cost(0.2, project_id="p")])

    def test_one_tally_per_kind_in_the_order_of_kinds(self) -> None:
        summary = UsageSummary()
        summary.add(self.MIXED)
        assert summary.kinds == ["completions", "costs"]
        assert "costs" in summary
        assert summary["costs"].by == ("project_id", "line_item", "api_key_id")
        assert summary.totals()["costs"].amounts == {"usd": Decimal("0.3")}
        assert [g.values for g in summary["costs"].groups()] == [("p", None, None)]

    def test_by_keeps_each_kinds_own_fields(self) -> None:
        summary = UsageSummary(["model", "project_id"])
        summary.add_page(self.MIXED)
        assert (summary["completions"].by, summary["costs"].by) == (("model", "project_id"), ("project_id",))

    def test_add_bucket_and_result(self) -> None:
        summary = UsageSummary(by=())
        summary.add_bucket(self.MIXED.data[0])
        summary.add_result(self.MIXED.data[1].results[0])
        assert summary.totals() == totals_per_kind(self.MIXED)
        assert [t.by for t in summary.tallies()] == [(), ()]


class TestRecords:
    def test_one_flat_record_per_result_with_its_bucket(self) -> None:
        records = to_records(page([cost(0.06, line_item="in", quantity=0, quantity_unit="tokens")], []))
        assert records == [
            {
                "bucket_start": datetime(2024, 11, 1, tzinfo=timezone.utc),
                "bucket_end": datetime(2024, 11, 2, tzinfo=timezone.utc),
                "object": COSTS,
                "amount.value": Decimal("0.06"),
                "amount.currency": "usd",
                "line_item": "in",
                "project_id": None,
                "api_key_id": None,
                "quantity": 0,
                "quantity_unit": "tokens",
            }
        ]

    def test_every_record_of_a_kind_has_the_same_keys(self) -> None:
        records = to_records(page([completion(1, 1, 1, model="m", extra=1)], [completion(2, 2, 2)]))
        assert (
            list(records[0])
            == list(records[1])
            == ["bucket_start", "bucket_end", *KINDS["completions"].model.model_fields]
        )

    def test_csv_ready(self) -> None:
        records = to_records(page([cost(0.1), {"object": COSTS}]))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        assert out.getvalue().splitlines()[1:] == [
            "2024-11-01 00:00:00+00:00,2024-11-02 00:00:00+00:00,organization.costs.result,0.1,usd,,,,,",
            "2024-11-01 00:00:00+00:00,2024-11-02 00:00:00+00:00,organization.costs.result,,,,,,,",
        ]

    def test_results_without_their_bucket_have_no_window(self) -> None:
        [record] = to_records(
            [
                UsageTimeBucket[UsageResult]
                .from_dict({"object": "bucket", "start_time": 0, "end_time": 1, "results": [cost(1)]})
                .results[0]
            ]
        )
        assert (record["bucket_start"], record["bucket_end"], record["amount.value"]) == (None, None, Decimal(1))

    @pytest.mark.parametrize("model", RESULT_MODELS, ids=[m.__name__ for m in RESULT_MODELS])
    def test_every_kind_gives_records(self, model: type[ApiModel]) -> None:
        text = example(model)
        assert text
        [record] = to_records(page([json.loads(text)]))
        assert record["object"] == json.loads(text)["object"]


class TestLargestFirst:
    def test_money_is_ranked_within_a_currency_never_across(self) -> None:
        costs = page(
            [cost(1000, "jpy", line_item="yen"), cost(5, "eur", line_item="euro"), cost(7, "eur", line_item="more")]
        )
        assert list(totals_by(costs, "line_item")) == [("more",), ("euro",), ("yen",)]

    def test_per_bucket_too(self) -> None:
        tally = UsageTally(["line_item"], per_bucket=True)
        tally.add(page([cost(1000, "jpy", line_item="yen"), cost(5, "eur", line_item="euro")]))
        assert [group.values for group in tally.groups()] == [("euro",), ("yen",)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_kind_has_counters_beside_levels_or_money(kind: str) -> None:
    # The tally adds a kind's levels or money only when it has no counters: a kind with both would lose them.
    assert not (COUNTERS[kind] and (kind in LEVELS or kind == "costs"))  # type: ignore[index]
