"""UsageTally per bucket: its groups and totals are what tallying each bucket on its own gives, whatever the
order buckets arrive in, with counters beyond 64 bits, levels, money and missing fields."""

from __future__ import annotations

import random
import weakref
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from openapiopenai import KINDS, ApiModel, UsageResponse, UsageResult, UsageTimeBucket, usage
from openapiopenai.models import KIND_NAMES, KindName
from openapiopenai.usage import COUNTERS, LEVELS, GroupKey, GroupTotals, Totals, UsageTally, utc_datetime

HOUR = 3_600
FIRST = 1_730_419_200  # 2024-11-01
HUGE = (2**63 - 1, 2**64 + 5)


def _result(kind: KindName, rng: random.Random) -> dict[str, Any]:
    info = KINDS[kind]
    document: dict[str, Any] = {"object": info.object}
    for name, field in info.model.model_fields.items():
        if name in COUNTERS[kind] or name in LEVELS.get(kind, ()):
            if field.is_required() or rng.random() < 0.7:
                document[name] = rng.choice(HUGE) if rng.random() < 0.1 else rng.randrange(1000)
        elif name in info.group_by and rng.random() < 0.9:
            document[name] = rng.choice((True, False)) if name == "batch" else rng.choice(("a", "b", None))
        elif name == "amount" and rng.random() < 0.9:
            value = rng.choice((0.1, 0.25, 3, 1e-7, 12.345678901234))
            document[name] = {"value": value, "currency": rng.choice(("usd", "eur"))}
    return document


def _buckets(kind: KindName) -> list[UsageTimeBucket[UsageResult]]:
    rng = random.Random(f"rows:{kind}")
    buckets = [
        {
            "object": "bucket",
            "start_time": FIRST + index * HOUR,
            "end_time": FIRST + (index + 1) * HOUR,
            "results": [_result(kind, rng) for _ in range(rng.randrange(0, 25))],
        }
        for index in range(40)
    ]
    rng.shuffle(buckets)  # out of time order
    page = UsageResponse[UsageResult].from_dict(
        {"object": "page", "data": buckets, "has_more": False, "next_page": None}
    )
    return page.data


def _rank(totals: Totals, currencies: Sequence[str] = ()) -> tuple[Any, ...]:
    """Largest first: counters, levels at their peak, then money in each currency in name order, never added."""
    return (
        *totals.counts.values(),
        *(level.peak or 0 for level in totals.levels.values()),
        *(totals.amounts.get(currency, Decimal(0)) for currency in currencies),
    )


def _each_bucket_alone(kind: KindName, buckets: list[UsageTimeBucket[UsageResult]]) -> list[GroupTotals]:
    """The groups of each bucket tallied on its own, in the order first counted."""
    groups: list[GroupTotals] = []
    for bucket in buckets:
        alone = UsageTally(KINDS[kind].group_by, kind=kind)
        alone.add_bucket(bucket)
        start = utc_datetime(bucket.start_time)
        keys = list(alone.group_keys())
        by_key = {group.values: group.totals for group in alone.groups()}
        groups += [GroupTotals(key, start, by_key[key]) for key in keys]
    return groups


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_groups_per_bucket_are_each_bucket_tallied_alone(kind: KindName) -> None:
    buckets = _buckets(kind)
    tally = UsageTally(KINDS[kind].group_by, per_bucket=True, kind=kind)
    for bucket in buckets:
        tally.add_bucket(bucket)
    alone = _each_bucket_alone(kind, buckets)
    # Largest first, then by bucket, then in the order first counted.
    expected = sorted(alone, key=lambda group: group.bucket_start or datetime.min)
    currencies = sorted(tally.total.amounts)
    expected.sort(key=lambda group: _rank(group.totals, currencies), reverse=True)
    assert tally.groups() == expected
    assert [repr(group.totals) for group in tally.groups()] == [repr(group.totals) for group in expected]
    # By time: the same groups, bucket after bucket, largest first within one.
    by_time = sorted(expected, key=lambda group: group.bucket_start or datetime.min)
    assert list(tally.iter_groups(by_time=True)) == by_time
    assert all(group.bucket_start is not None and group.bucket_start.tzinfo is timezone.utc for group in by_time)
    # The overall total is the sum of every group's, money with its exact digits.
    assert repr(tally.total) == repr(sum((group.totals for group in alone), Totals(kind=kind)))
    if COUNTERS[kind]:
        assert any(value >= 2**63 for group in alone for value in group.totals.counts.values())


@pytest.mark.parametrize("per_bucket", [False, True])
def test_counters_beyond_64_bits_stay_exact(per_bucket: bool) -> None:
    tally = UsageTally(["model"], per_bucket=per_bucket)

    def images(count: int, model: str) -> ApiModel:
        return KINDS["images"].model.from_dict(
            {"object": KINDS["images"].object, "images": count, "num_model_requests": 1, "model": model}
        )

    tally.add_results([images(1, "a"), images(2, "b")], FIRST)
    tally.add_results([images(2**63 - 1, "a"), images(2**63 - 1, "a")], FIRST)  # the second sum overflows int64
    tally.add_results([images(2**80, "b"), images(3, "c")], FIRST)
    tally.add_result(images(-(2**70), "c"), utc_datetime(FIRST + HOUR))
    counts = {(group.values, group.bucket_start): group.totals.images for group in tally.groups()}
    at = utc_datetime(FIRST) if per_bucket else None
    if per_bucket:
        assert counts == {
            (("a",), at): 2**64 - 1,
            (("b",), at): 2**80 + 2,
            (("c",), at): 3,
            (("c",), utc_datetime(FIRST + HOUR)): -(2**70),
        }
    else:
        assert counts == {(("a",), None): 2**64 - 1, (("b",), None): 2**80 + 2, (("c",), None): 3 - 2**70}
    assert tally.total.images == 2**64 - 1 + 2**80 + 2 + 3 - 2**70


def test_missing_fields_keep_the_order_they_were_first_missed_in() -> None:
    model = KINDS["completions"].model

    def completion(**counters: int) -> ApiModel:
        return model.from_dict({"object": KINDS["completions"].object, "model": "m", **counters})

    required = {"input_tokens": 1, "output_tokens": 1, "num_model_requests": 1}
    optional = [name for name in COUNTERS["completions"] if name not in required]
    everything = dict.fromkeys(optional, 1)
    lacking_late = {name: 1 for name in optional if name != "output_image_tokens"}
    lacking_early = {name: 1 for name in optional if name not in ("input_cached_tokens", "output_image_tokens")}
    tally = UsageTally(["model"], per_bucket=True, kind="completions")
    tally.add_results([completion(**required, **everything)], FIRST)
    tally.add_results([completion(**required, **lacking_late), completion(**required, **lacking_early)], FIRST + HOUR)
    tally.add_results([completion(**required, **lacking_early)], FIRST + 2 * HOUR)
    groups = list(tally.iter_groups(by_time=True))
    assert [dict(group.totals.missing) for group in groups] == [
        {},
        {"output_image_tokens": 2, "input_cached_tokens": 1},  # as first missed, not in field order
        {"input_cached_tokens": 1, "output_image_tokens": 1},
    ]
    assert [list(group.totals.missing) for group in groups][1] == ["output_image_tokens", "input_cached_tokens"]
    assert list(tally.total.missing.items()) == [("output_image_tokens", 3), ("input_cached_tokens", 2)]


def test_missing_counts_grow_past_a_byte() -> None:
    model = KINDS["completions"].model
    lacking = model.from_dict(
        {"object": KINDS["completions"].object, "input_tokens": 1, "output_tokens": 1, "num_model_requests": 1}
    )
    tally = UsageTally(per_bucket=True, kind="completions")
    tally.add_results([lacking] * 300, FIRST)
    tally.add_results([lacking] * 2, FIRST + HOUR)
    [first, second] = tally.iter_groups(by_time=True)
    assert set(first.totals.missing.values()) == {300}
    assert set(second.totals.missing.values()) == {2}
    assert set(tally.total.missing.values()) == {302}


def _by_hand(kind: KindName, by: Sequence[str], documents: list[dict[str, Any]]) -> dict[GroupKey, Any]:
    """Each group's counters summed and the fields its results lacked in the order first lacked, from the
    documents themselves."""
    groups: dict[GroupKey, tuple[dict[str, int], dict[str, int]]] = {}
    for document in documents:
        counts, missing = groups.setdefault(
            tuple(document.get(field) for field in by), (dict.fromkeys(COUNTERS[kind], 0), {})
        )
        for name in COUNTERS[kind]:
            if name in document:
                counts[name] += document[name]
            else:
                missing[name] = missing.get(name, 0) + 1
    return {key: (counts, list(missing.items())) for key, (counts, missing) in groups.items()}


@pytest.mark.parametrize("kind", [kind for kind in KIND_NAMES if COUNTERS[kind]])
def test_counters_added_up_together_are_the_sums_by_hand(kind: KindName) -> None:
    """A tally adds its results' counters up a batch at a time: the sums and the missing fields, in the order
    first lacked, are those worked out from the documents; with single results between batches, results of a
    subclass of the kind's model, results from an iterator, and a call of more than a batch."""
    rng = random.Random(f"batches:{kind}")
    model = KINDS[kind].model
    subclass = type(f"Own{model.__name__}", (model,), {})
    buckets = [[_result(kind, rng) for _ in range(rng.randrange(1, 40))] for _ in range(800)]
    batch = usage._WAITING // len(COUNTERS[kind])
    buckets.append([_result(kind, rng) for _ in range(batch + 100)])
    assert sum(map(len, buckets)) > batch  # more than one batch
    by = ("project_id", "model") if "model" in KINDS[kind].group_by else KINDS[kind].group_by[:2]
    tally = UsageTally(by, kind=kind)
    for number, documents in enumerate(buckets):
        results = [(subclass if index == 3 else model).from_dict(one) for index, one in enumerate(documents)]
        if number % 7 == 0:
            for result in results:
                tally.add_result(result)  # one at a time, between batches
        else:
            tally.add_results(iter(results) if number % 3 else results, FIRST)
    expected = _by_hand(kind, by, [document for documents in buckets for document in documents])
    assert {
        group.values: (dict(group.totals.counts), list(group.totals.missing.items())) for group in tally.groups()
    } == expected
    assert list(tally.group_keys()) == list(expected)
    assert tally.total == sum(
        (Totals(kind=kind, missing=dict(missing), **counts) for counts, missing in expected.values()), Totals(kind=kind)
    )
    assert list(tally.total.missing) == list(
        dict.fromkeys(name for _, missing in expected.values() for name, _ in missing)
    )


def test_a_model_made_without_validation_lacking_a_counter_is_refused() -> None:
    model = KINDS["images"].model
    made = model.model_construct(object=KINDS["images"].object, num_model_requests=1)  # no `images`
    with pytest.raises(AttributeError, match="images"):
        UsageTally(kind="images").add_results([made])


def _model_of(document: dict[str, Any]) -> ApiModel:
    return KINDS[next(name for name, info in KINDS.items() if info.object == document["object"])].model.from_dict(
        document
    )


def test_results_from_an_iterator_are_let_go_as_they_are_counted() -> None:
    """A long iterator of results is never held whole: each result is released once counted."""
    model = KINDS["images"].model
    document = {"object": KINDS["images"].object, "images": 2, "num_model_requests": 1}
    count = 40_000
    counted: list[weakref.ref[ApiModel]] = []

    def results() -> Iterator[ApiModel]:
        for _ in range(count):
            if len(counted) >= 2:
                assert counted[-2]() is None  # the one before the last given is gone
            result = model.from_dict(document)
            counted.append(weakref.ref(result))
            yield result

    tally = UsageTally(kind="images")
    tally.add_results(results())
    assert len(counted) == count
    assert tally.total.counts == {"images": 2 * count, "num_model_requests": count}


@pytest.mark.parametrize("kind", [kind for kind in KIND_NAMES if COUNTERS[kind]])
def test_a_bucket_of_more_than_a_batch_is_counted_whole_per_bucket(kind: KindName) -> None:
    """Tallied per bucket, one call of more than two batches for one bucket adds every result up."""
    rng = random.Random(f"one bucket:{kind}")
    documents = [_result(kind, rng) for _ in range(2 * (usage._WAITING // len(COUNTERS[kind])) + 100)]
    by = KINDS[kind].group_by[:1]
    tally = UsageTally(by, per_bucket=True, kind=kind)
    tally.add_results([KINDS[kind].model.from_dict(one) for one in documents], FIRST)
    assert {
        group.values: (dict(group.totals.counts), list(group.totals.missing.items())) for group in tally.groups()
    } == _by_hand(kind, by, documents)
