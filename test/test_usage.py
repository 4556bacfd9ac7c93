"""Working with usage data: time windows, totals, grouping and combining pages."""

from datetime import datetime, timezone
from typing import Any

import pytest

from openapiopenai import UsageImagesResult, UsageResponse, UsageTimeBucket
from openapiopenai.usage import (
    GROUP_BY_FIELDS,
    GroupTotals,
    IncompleteListingError,
    TimedResult,
    Totals,
    UsageTally,
    combine_pages,
    iter_results,
    totals,
    totals_by,
    utc_datetime,
)

DAY = 86_400
NOV_1 = 1_730_419_200  # 2024-11-01T00:00:00Z


def result(images: int, requests: int, **groups: str | None) -> dict[str, Any]:
    return {"object": "organization.usage.images.result", "images": images, "num_model_requests": requests, **groups}


def bucket(day: int, *results: dict[str, Any]) -> dict[str, Any]:
    start = NOV_1 + day * DAY
    return {"object": "bucket", "start_time": start, "end_time": start + DAY, "results": list(results)}


def page(*buckets: dict[str, Any], next_page: str | None = None) -> UsageResponse:
    return UsageResponse.from_dict(
        {"object": "page", "data": list(buckets), "has_more": next_page is not None, "next_page": next_page}
    )


# Two days of usage grouped by model and size; the totals below are worked out by hand.
FIRST_PAGE = page(
    bucket(
        0,
        result(10, 4, model="dall-e-3", size="1024x1024"),
        result(3, 3, model="dall-e-2", size="256x256"),
    ),
    next_page="page_2",
)
SECOND_PAGE = page(
    bucket(
        1,
        result(7, 2, model="dall-e-3", size="1024x1024"),
        result(5, 5, model="dall-e-3", size="1792x1792"),
        result(1, 1, model=None, size="256x256"),
    ),
)
ALL_RESULTS = [r for p in (FIRST_PAGE, SECOND_PAGE) for b in p.data for r in b.results]


def test_utc_datetime_is_timezone_aware_utc() -> None:
    assert utc_datetime(NOV_1) == datetime(2024, 11, 1, tzinfo=timezone.utc)
    assert utc_datetime(NOV_1).utcoffset() is not None


@pytest.mark.parametrize("timestamp", [-62_135_596_801, 253_402_300_800, 10**30], ids=["year-0", "year-10000", "huge"])
def test_utc_datetime_beyond_the_calendar_is_a_value_error(timestamp: int) -> None:
    with pytest.raises(ValueError, match=f"^{timestamp} is out of range for a date \\(years 1 to 9999\\)$"):
        utc_datetime(timestamp)


def test_utc_datetime_reaches_both_ends_of_the_calendar() -> None:
    assert utc_datetime(-62_135_596_800) == datetime(1, 1, 1, tzinfo=timezone.utc)
    assert utc_datetime(253_402_300_799) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def test_tally_needs_no_date_unless_per_bucket() -> None:
    far = UsageTimeBucket.from_dict({**bucket(0, result(2, 1)), "start_time": 10**20})
    tally = UsageTally()
    tally.add_bucket(far)
    assert tally.total == Totals(2, 1)
    with pytest.raises(ValueError, match="out of range for a date"):
        UsageTally(per_bucket=True).add_bucket(far)


def test_iter_results_pairs_each_result_with_its_bucket_window() -> None:
    rows = list(iter_results(FIRST_PAGE.data + SECOND_PAGE.data))
    assert [(row.start.day, row.end.day, row.result.images) for row in rows] == [
        (1, 2, 10),
        (1, 2, 3),
        (2, 3, 7),
        (2, 3, 5),
        (2, 3, 1),
    ]
    assert rows[0] == TimedResult(
        datetime(2024, 11, 1, tzinfo=timezone.utc),
        datetime(2024, 11, 2, tzinfo=timezone.utc),
        FIRST_PAGE.data[0].results[0],
    )


def test_iter_results_refuses_a_result_without_its_bucket() -> None:
    with pytest.raises(TypeError, match="a result given without its bucket has no time window"):
        list(iter_results([FIRST_PAGE.data[0].results[0]]))  # type: ignore[list-item]


def test_iter_results_keeps_the_stored_integers() -> None:
    list(iter_results(FIRST_PAGE.data))
    assert FIRST_PAGE.data[0].start_time == NOV_1
    assert FIRST_PAGE.data[0].to_dict()["start_time"] == NOV_1


def test_totals_over_all_results() -> None:
    assert totals(ALL_RESULTS) == Totals(images=26, num_model_requests=15)


def test_totals_of_nothing_are_zero() -> None:
    assert totals([]) == Totals(0, 0)


def test_totals_add() -> None:
    assert Totals(1, 2) + Totals(10, 20) == Totals(11, 22)


def test_totals_by_one_field_most_images_first() -> None:
    assert totals_by(ALL_RESULTS, "model") == {
        ("dall-e-3",): Totals(22, 11),
        ("dall-e-2",): Totals(3, 3),
        (None,): Totals(1, 1),
    }
    assert list(totals_by(ALL_RESULTS, "model")) == [("dall-e-3",), ("dall-e-2",), (None,)]


def test_totals_by_two_fields_in_the_order_given() -> None:
    assert list(totals_by(ALL_RESULTS, "size", "model").items()) == [
        (("1024x1024", "dall-e-3"), Totals(17, 6)),
        (("1792x1792", "dall-e-3"), Totals(5, 5)),
        (("256x256", "dall-e-2"), Totals(3, 3)),
        (("256x256", None), Totals(1, 1)),
    ]


def test_totals_by_nothing_is_one_group() -> None:
    assert totals_by(ALL_RESULTS) == {(): Totals(26, 15)}


def test_grouping_treats_absent_and_null_alike() -> None:
    absent = UsageImagesResult.from_dict(result(2, 1))
    null = UsageImagesResult.from_dict(result(3, 1, project_id=None))
    assert totals_by([absent, null], "project_id") == {(None,): Totals(5, 2)}


@pytest.mark.parametrize("field", GROUP_BY_FIELDS)
def test_every_group_by_field_can_group(field: str) -> None:
    results = [UsageImagesResult.from_dict(result(i + 1, 1, **{field: name})) for i, name in enumerate("aab")]
    assert totals_by(results, field) == {("a",): Totals(3, 2), ("b",): Totals(3, 1)}  # type: ignore[arg-type]


def test_tally_rejects_an_unknown_field() -> None:
    with pytest.raises(ValueError, match="cannot group by 'colour': choose from project_id, user_id, api_key_id"):
        UsageTally(["colour"])  # type: ignore[list-item]


def test_tally_per_bucket_keeps_bucket_starts_apart() -> None:
    tally = UsageTally(["model"], per_bucket=True)
    tally.add_page(FIRST_PAGE)
    tally.add_page(SECOND_PAGE)
    day_1, day_2 = utc_datetime(NOV_1), utc_datetime(NOV_1 + DAY)
    assert tally.groups() == [
        GroupTotals(("dall-e-3",), day_2, Totals(12, 7)),
        GroupTotals(("dall-e-3",), day_1, Totals(10, 4)),
        GroupTotals(("dall-e-2",), day_1, Totals(3, 3)),
        GroupTotals((None,), day_2, Totals(1, 1)),
    ]
    assert tally.total == Totals(26, 15)


def test_tally_without_per_bucket_ignores_bucket_starts() -> None:
    tally = UsageTally(["model"])
    tally.add_bucket(FIRST_PAGE.data[0])
    tally.add_bucket(SECOND_PAGE.data[0])
    assert [(group.values, group.bucket_start, group.totals) for group in tally.groups()] == [
        (("dall-e-3",), None, Totals(22, 11)),
        (("dall-e-2",), None, Totals(3, 3)),
        ((None,), None, Totals(1, 1)),
    ]


def test_tally_breaks_ties_by_requests_then_bucket_start() -> None:
    tally = UsageTally(per_bucket=True)
    tally.add_bucket(UsageTimeBucket.from_dict(bucket(2, result(5, 1))))
    tally.add_bucket(UsageTimeBucket.from_dict(bucket(1, result(5, 1))))
    tally.add_bucket(UsageTimeBucket.from_dict(bucket(0, result(5, 2))))
    assert [group.bucket_start.day for group in tally.groups() if group.bucket_start] == [1, 2, 3]


def test_combine_pages_joins_buckets_in_order() -> None:
    listing = combine_pages([FIRST_PAGE, SECOND_PAGE])
    assert [b.start_time for b in listing.buckets] == [NOV_1, NOV_1 + DAY]
    assert (listing.pages, listing.complete, listing.next_page) == (2, True, None)
    assert totals(r for b in listing.buckets for r in b.results) == Totals(26, 15)


def test_combine_pages_refuses_an_incomplete_listing() -> None:
    with pytest.raises(IncompleteListingError, match="the last page has has_more=true") as raised:
        combine_pages([FIRST_PAGE])
    assert raised.value.next_page == "page_2"


def test_combine_pages_can_allow_an_incomplete_listing() -> None:
    listing = combine_pages([FIRST_PAGE], allow_incomplete=True)
    assert (listing.pages, listing.complete, listing.next_page) == (1, False, "page_2")
    assert len(listing.buckets) == 1


def test_combine_pages_takes_an_empty_last_page_as_the_end() -> None:
    last = UsageResponse.from_dict({"object": "page", "data": [], "has_more": False, "next_page": None})
    for pages in (
        [FIRST_PAGE, SECOND_PAGE.model_copy(update={"has_more": True, "next_page": "p3"}), last],
        [last, FIRST_PAGE, SECOND_PAGE.model_copy(update={"has_more": True, "next_page": "p3"})],
    ):
        listing = combine_pages(pages)
        assert (listing.pages, listing.complete, listing.next_page) == (3, True, None)
        assert [b.start_time for b in listing.buckets] == [NOV_1, NOV_1 + DAY]


def test_combine_pages_takes_pages_in_any_order() -> None:
    listing = combine_pages([SECOND_PAGE, FIRST_PAGE])
    assert [b.start_time for b in listing.buckets] == [NOV_1, NOV_1 + DAY]
    assert (listing.pages, listing.complete, listing.next_page) == (2, True, None)


def test_combine_pages_refuses_a_page_given_twice() -> None:
    with pytest.raises(
        ValueError,
        match=r"^these pages are not one listing: the bucket starting 2024-11-01T00:00:00Z is in page 1 \(data.0\)"
        r" and again in page 2 \(data.0\)$",
    ):
        combine_pages([FIRST_PAGE, FIRST_PAGE])


def test_combine_pages_refuses_overlapping_buckets() -> None:
    hourly = page({"object": "bucket", "start_time": NOV_1 + 3600, "end_time": NOV_1 + 7200, "results": []})
    with pytest.raises(ValueError, match=r"^these pages are not one listing: the bucket 2024-11-01T01:00:00Z to"):
        combine_pages([FIRST_PAGE, hourly, SECOND_PAGE])


def test_combine_pages_names_the_range_of_a_missing_page() -> None:
    last = page(bucket(2, result(1, 1)))
    with pytest.raises(IncompleteListingError) as raised:
        combine_pages([last, FIRST_PAGE])
    assert str(raised.value) == (
        "the listing is incomplete: no buckets from 2024-11-02T00:00:00Z to 2024-11-03T00:00:00Z,"
        " between page 2 (data.0) and page 1 (data.0): a page is missing"
    )
    assert raised.value.next_page is None
    listing = combine_pages([last, FIRST_PAGE], allow_incomplete=True)
    assert (listing.complete, listing.next_page, [b.start_time for b in listing.buckets]) == (
        False,
        None,
        [NOV_1, NOV_1 + 2 * DAY],
    )


def test_combine_pages_asks_the_last_page_in_time_about_more() -> None:
    # The second page read is the earliest: its has_more: true is answered by the first.
    listing = combine_pages([SECOND_PAGE, FIRST_PAGE])
    assert listing.complete
    with pytest.raises(IncompleteListingError, match="the last page has has_more=true"):
        combine_pages([page(bucket(-1)), FIRST_PAGE])


def test_combine_pages_refuses_nothing() -> None:
    with pytest.raises(ValueError, match="no pages to combine"):
        combine_pages([])


def test_combine_pages_accepts_any_iterable_once() -> None:
    listing = combine_pages(p for p in (FIRST_PAGE, SECOND_PAGE))
    assert listing.pages == 2
