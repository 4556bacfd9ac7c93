"""openapiopenai.listing: buckets from any order checked as one listing, and UTC calendar periods."""

from datetime import datetime
from typing import Any, Literal

import pytest

from openapiopenai import UsageResponse, UsageTimeBucket
from openapiopenai.listing import (
    Backwards,
    BucketPlace,
    Cut,
    ListingCheck,
    Missing,
    Outside,
    Overlapping,
    Repeated,
    Unfinished,
    iter_periods,
    next_period,
    period_start,
    utc_text,
)

DAY = 86_400
NOV_1 = 1_730_419_200  # 2024-11-01T00:00:00Z, a Friday


def bucket(start: int, end: int, results: int = 0) -> UsageTimeBucket:
    result = {"object": "organization.usage.images.result", "images": 1, "num_model_requests": 1}
    return UsageTimeBucket.from_dict(
        {"object": "bucket", "start_time": start, "end_time": end, "results": [result] * results}
    )


def page(*buckets: UsageTimeBucket, next_page: str | None = None) -> UsageResponse:
    data: list[Any] = [b.to_dict() for b in buckets]
    return UsageResponse.from_dict(
        {"object": "page", "data": data, "has_more": next_page is not None, "next_page": next_page}
    )


def days(first: int, count: int) -> list[UsageTimeBucket]:
    return [bucket(NOV_1 + (first + n) * DAY, NOV_1 + (first + n + 1) * DAY, results=1) for n in range(count)]


def test_a_whole_listing_in_any_order() -> None:
    check = ListingCheck()
    check.add_page(page(*days(3, 3)), "b.json", "images")
    check.add_page(page(*days(0, 3), next_page="p2"), "a.json", "images")
    report = check.report("images")
    assert (report.start, report.end, report.buckets, report.pages, report.results) == (NOV_1, NOV_1 + 6 * DAY, 6, 2, 6)
    assert (report.widths, report.problems, report.gaps, report.complete) == ((DAY,), (), (), True)
    assert report.describe() == "2024-11-01 to 2024-11-07 UTC, 6 buckets of 1 day, 2 pages, 6 results"


def test_problems_name_both_places() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2)), "a.json", "images")
    check.add_bucket(days(1, 1)[0], "b.json", "images")
    check.add_bucket(bucket(NOV_1 + DAY + 3600, NOV_1 + DAY + 7200), "c.json", "images", "3")
    check.add_bucket(bucket(NOV_1 + 5 * DAY, NOV_1 + 5 * DAY), "d.json", "images")
    first = BucketPlace(NOV_1 + DAY, NOV_1 + 2 * DAY, "a.json", "data.1")
    assert check.report("images").problems == (
        Backwards(BucketPlace(NOV_1 + 5 * DAY, NOV_1 + 5 * DAY, "d.json", "")),
        Repeated(first, BucketPlace(NOV_1 + DAY, NOV_1 + 2 * DAY, "b.json", "")),
        Overlapping(first, BucketPlace(NOV_1 + DAY + 3600, NOV_1 + DAY + 7200, "c.json", "3")),
    )
    assert [str(problem) for problem in check.report("images").problems][1:] == [
        "the bucket starting 2024-11-02T00:00:00Z is in a.json (data.1) and again in b.json",
        "the bucket 2024-11-02T01:00:00Z to 2024-11-02T02:00:00Z in c.json (3) overlaps"
        " the bucket 2024-11-02T00:00:00Z to 2024-11-03T00:00:00Z in a.json (data.1)",
    ]


def test_a_hole_and_the_last_page_in_time() -> None:
    check = ListingCheck()
    check.add_page(page(*days(4, 2), next_page="p4"), "c.json", "images")
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    gaps = check.report("images").gaps
    assert gaps == (
        Missing(
            NOV_1 + 2 * DAY,
            NOV_1 + 4 * DAY,
            BucketPlace(NOV_1 + DAY, NOV_1 + 2 * DAY, "a.json", "data.1"),
            BucketPlace(NOV_1 + 4 * DAY, NOV_1 + 5 * DAY, "c.json", "data.0"),
        ),
        Unfinished("c.json", "p4", NOV_1 + 6 * DAY),
    )
    assert (
        str(gaps[1])
        == 'c.json says has_more: true: the pages after 2024-11-07T00:00:00Z were not read (next_page: "p4")'
    )


def test_an_earlier_page_saying_has_more_is_answered_by_a_later_one() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    check.add_page(page(*days(2, 2)), "b.json", "images")
    assert check.report("images").complete


def test_pages_without_buckets() -> None:
    check = ListingCheck()
    check.add_page(page(next_page="p2"), "empty.json", "images")
    report = check.report("images")
    assert (report.start, report.buckets, report.pages) == (None, 0, 1)
    assert report.gaps == (Unfinished("empty.json", "p2", None),)
    assert report.describe() == "0 buckets, 1 page, 0 results"


def test_each_kind_is_its_own_listing() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2)), "images.json", "images")
    check.add_page(page(*days(0, 1)), "other.json", "other")
    assert check.kinds == ["images", "other"]
    assert (check.report("images").problems, check.report("other").problems) == ((), ())
    assert check.report("missing").buckets == 0


def test_the_period_asked_for() -> None:
    check = ListingCheck(since=NOV_1 + DAY, until=NOV_1 + 5 * DAY)
    inside = check.add_page(page(*days(0, 4)), "a.json", "images")
    assert inside == [False, True, True, True]
    report = check.report("images")
    assert (report.start, report.end, report.buckets, report.results) == (NOV_1 + DAY, NOV_1 + 5 * DAY, 3, 3)
    assert report.gaps == (
        Missing(
            NOV_1 + 4 * DAY, NOV_1 + 5 * DAY, BucketPlace(NOV_1 + 3 * DAY, NOV_1 + 4 * DAY, "a.json", "data.3"), None
        ),
    )


def test_a_period_boundary_inside_a_bucket_is_a_problem() -> None:
    check = ListingCheck(since=NOV_1 + 3600)
    check.add_bucket(days(0, 1)[0], "a.json", "images")
    assert check.report("images").problems == (Cut(BucketPlace(NOV_1, NOV_1 + DAY, "a.json", ""), NOV_1 + 3600),)


def test_a_cut_bucket_of_no_known_kind_is_a_problem_of_the_listings_that_take_it_in() -> None:
    check = ListingCheck(since=NOV_1 + 3600, until=NOV_1 + 3 * DAY)
    check.add_bucket(bucket(NOV_1, NOV_1 + DAY), "a.json", None)
    check.add_bucket(bucket(NOV_1 + DAY, NOV_1 + 2 * DAY, 1), "b.json", "images")
    check.add_bucket(bucket(NOV_1 + 2 * DAY, NOV_1 + 4 * DAY, 1), "b.json", "images", "1")
    cut_early = Cut(BucketPlace(NOV_1, NOV_1 + DAY, "a.json", ""), NOV_1 + 3600)
    cut_late = Cut(BucketPlace(NOV_1 + 2 * DAY, NOV_1 + 4 * DAY, "b.json", "1"), NOV_1 + 3 * DAY)
    assert check.report("images").problems == (cut_late,)
    assert check.report("images", include_unknown=True).problems == (cut_early, cut_late)


@pytest.mark.parametrize(
    ("since", "until", "text"),
    [
        (
            NOV_1 + 9 * DAY,
            None,
            "no buckets from 2024-11-10T00:00:00Z on: the data ends at 2024-11-05T00:00:00Z, in a.json (data.3)",
        ),
        (
            NOV_1 + 4 * DAY,
            None,
            "no buckets from 2024-11-05T00:00:00Z on: the data ends at 2024-11-05T00:00:00Z, in a.json (data.3)",
        ),
        (
            None,
            NOV_1 - DAY,
            "no buckets before 2024-10-31T00:00:00Z: the data starts at 2024-11-01T00:00:00Z, in a.json (data.0)",
        ),
    ],
)
def test_a_period_open_at_one_end_that_misses_every_bucket_is_a_gap(
    since: int | None, until: int | None, text: str
) -> None:
    check = ListingCheck(since=since, until=until)
    check.add_page(page(*days(0, 4)), "a.json", "images")
    report = check.report("images")
    assert report.buckets == 0
    assert [str(gap) for gap in report.gaps] == [text]
    assert isinstance(report.gaps[0], Outside)


def test_a_period_with_no_buckets_at_all() -> None:
    report = ListingCheck(since=NOV_1, until=NOV_1 + DAY).report("images")
    assert report.gaps == (Missing(NOV_1, NOV_1 + DAY, None, None),)
    assert str(report.gaps[0]) == (
        "no buckets from 2024-11-01T00:00:00Z to 2024-11-02T00:00:00Z: the period asked for holds no buckets"
    )


@pytest.mark.parametrize(
    ("widths", "text"),
    [
        pytest.param([3600], "2 buckets of 1 hour", id="hour"),
        pytest.param([60, 3600], "2 buckets of 1 minute to 1 hour", id="mixed"),
        pytest.param([90], "2 buckets of 90 seconds", id="seconds"),
        pytest.param([2 * DAY], "2 buckets of 2 days", id="days"),
    ],
)
def test_bucket_widths_in_words(widths: list[int], text: str) -> None:
    check = ListingCheck()
    start = NOV_1
    for width in widths * (2 // len(widths)):
        check.add_bucket(bucket(start, start + width), "a.json", "images")
        start += width
    assert text in check.report("images").describe()


@pytest.mark.parametrize(
    ("every", "at", "start", "following"),
    [
        pytest.param("day", "2024-11-01T13:00:00Z", "2024-11-01T00:00:00Z", "2024-11-02T00:00:00Z", id="day"),
        pytest.param("week", "2024-11-03T23:59:59Z", "2024-10-28T00:00:00Z", "2024-11-04T00:00:00Z", id="week"),
        pytest.param("week", "2024-11-04T00:00:00Z", "2024-11-04T00:00:00Z", "2024-11-11T00:00:00Z", id="monday"),
        pytest.param("month", "2024-12-31T23:00:00Z", "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z", id="december"),
        pytest.param("month", "2024-02-29T12:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z", id="leap"),
        pytest.param("day", "1969-12-31T23:00:00Z", "1969-12-31T00:00:00Z", "1970-01-01T00:00:00Z", id="before-1970"),
    ],
)
def test_calendar_periods(every: Literal["day", "week", "month"], at: str, start: str, following: str) -> None:
    first = period_start(int(datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()), every)
    assert (utc_text(first), utc_text(next_period(first, every))) == (start, following)


def test_periods_meeting_a_range() -> None:
    months = [utc_text(start)[:7] for start in iter_periods(NOV_1 - 2 * DAY, NOV_1 + 61 * DAY, "month")]
    assert months == ["2024-10", "2024-11", "2024-12"]


def test_times_beyond_the_calendar() -> None:
    assert utc_text(10**15) == str(10**15)
    with pytest.raises(ValueError, match="out of range for a date"):
        period_start(10**15, "day")


def test_buckets_read_twice_one_after_another_are_one_run() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 3)), "a.json", "images")
    check.add_page(page(*days(1, 3)), "b.json", "images")
    [run] = check.report("images").problems
    assert isinstance(run, Repeated)
    assert (run.count, run.first.path, run.second.path) == (2, "data.1", "data.0")
    assert run.last is not None
    assert (run.last[0].path, run.last[1].path) == ("data.2", "data.1")
    assert str(run) == (
        "the 2 buckets from 2024-11-02T00:00:00Z to 2024-11-04T00:00:00Z are in a.json (data.1 to data.2)"
        " and again in b.json (data.0 to data.1)"
    )


def test_times_beyond_64_bits_are_held_exactly() -> None:
    huge = 2**70
    day_3 = BucketPlace(NOV_1 + 2 * DAY, NOV_1 + 3 * DAY, "c.json", "data.0")
    reports = []
    for start, end in [(huge, NOV_1 + 3 * DAY), (NOV_1 + 2 * DAY, huge + DAY), (huge, huge + DAY)]:
        check = ListingCheck()
        check.add_page(page(*days(0, 2)), "a.json", "images")
        check.add_bucket(bucket(start, end), "b.json", "images", "0")  # past 64 bits: the columns widen
        check.add_page(page(*days(2, 1)), "c.json", "images")
        reports.append(check.report("images"))
    backwards, repeated, far = reports
    assert backwards.problems == (Backwards(BucketPlace(huge, NOV_1 + 3 * DAY, "b.json", "0")),)
    assert backwards.buckets == 3
    assert repeated.problems == (Repeated(day_3, BucketPlace(NOV_1 + 2 * DAY, huge + DAY, "b.json", "0")),)
    assert (far.buckets, far.start, far.end, far.problems) == (4, NOV_1, huge + DAY, ())
    assert far.gaps == (Missing(NOV_1 + 3 * DAY, huge, day_3, BucketPlace(huge, huge + DAY, "b.json", "0")),)


@pytest.mark.parametrize(("since", "until"), [(None, None), (NOV_1 + DAY, None), (None, NOV_1 + 4 * DAY + 1)])
def test_buckets_noted_together_as_one_by_one(since: int | None, until: int | None) -> None:
    """`add_buckets` notes a document's buckets as `add_bucket` notes each: the same report, whatever the
    buckets (in order or not, repeated, overlapping, none, past 64 bits) and the period asked for."""
    documents = [
        days(0, 3),
        [],
        days(2, 2)[::-1],  # one repeated, out of order
        [bucket(NOV_1 + 5 * DAY, NOV_1 + 6 * DAY, results=2), bucket(NOV_1 + 5 * DAY + 60, 2**70)],
        [bucket(2**70, 2**70 + DAY, results=1)],
        days(7, 1),
    ]
    together, alone = ListingCheck(since, until), ListingCheck(since, until)
    for number, buckets in enumerate(documents):
        where, paths = f"{number}.json", [f"data.{index}" for index in range(len(buckets))]
        page_number = together.start_page(number == 0, None, where)
        together.add_buckets(buckets, where, "images", paths, page=page_number)
        page_number = alone.start_page(number == 0, None, where)
        for item, path in zip(buckets, paths, strict=True):
            alone.add_bucket(item, where, "images", path, page=page_number)
    together.add_buckets(days(9, 1), "loose.json", None, ["0"])  # of no known kind, on no page
    alone.add_bucket(days(9, 1)[0], "loose.json", None, "0")
    assert together.report("images", include_unknown=True) == alone.report("images", include_unknown=True)
    assert together.report("images").problems  # the documents are not one listing
    assert (together.pages, together.kinds, together.unknown()) == (alone.pages, alone.kinds, alone.unknown())
    with pytest.raises(ValueError, match="2 buckets and 1 paths"):
        together.add_buckets(days(0, 2), "a.json", "images", ["data.0"])


def test_an_empty_last_page_ends_the_listing() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    check.add_page(page(), "b.json", "images")
    report = check.report("images")
    assert (report.gaps, report.complete, report.pages) == ((), True, 2)


def test_an_empty_page_saying_has_more_does_not_end_the_listing() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    check.add_page(page(next_page="p3"), "b.json", "images")
    assert check.report("images").gaps == (Unfinished("a.json", "p2", NOV_1 + 2 * DAY),)


def test_an_empty_last_page_ends_no_listing_when_which_cannot_be_told() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    check.add_page(page(*days(0, 2), next_page="q2"), "other.json", "other")
    check.add_page(page(), "b.json", "images")
    assert [check.report(kind).complete for kind in ("images", "other")] == [False, False]


def test_an_empty_last_page_ends_no_listing_when_another_waits_with_no_bucket_that_counts() -> None:
    check = ListingCheck()
    check.add_page(page(*days(0, 2), next_page="p2"), "a.json", "images")
    at = NOV_1 + 5 * DAY
    check.add_page(page(bucket(at, at, results=1), next_page="q2"), "other.json", "other")  # ends where it starts
    check.add_page(page(), "b.json", "images")
    assert check.report("images").gaps == (Unfinished("a.json", "p2", NOV_1 + 2 * DAY),)
    assert not check.report("other").complete
