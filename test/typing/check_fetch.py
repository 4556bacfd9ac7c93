"""Checked by mypy --strict and pyright strict: each kind's fetch is typed with its own results."""

from collections.abc import Iterator

from typing_extensions import assert_type

from openapiopenai import UsageImagesResult, UsageResponse
from openapiopenai.fetch import Client, FetchError, fetch_listing, iter_pages
from openapiopenai.usage import UsageListing

START = 1730419200  # 2024-11-01


def check_fetch(client: Client) -> None:
    pages = iter_pages(UsageImagesResult, START, START + 3 * 86400, group_by=["model"], client=client)
    assert_type(pages, Iterator[UsageResponse[UsageImagesResult]])
    for page in pages:
        for bucket in page.data:
            for result in bucket.results:
                assert_type(result, UsageImagesResult)
                assert_type(result.images, int)
    listing = fetch_listing(UsageImagesResult, START, START + 3 * 86400, client=client)
    assert_type(listing, UsageListing[UsageImagesResult])
    try:
        next(iter_pages(UsageImagesResult, START, filters={"sizes": ["1024x1024"], "batch": True}, client=client))
    except ValueError as error:
        assert_type(error, ValueError)
    except FetchError as error:
        assert_type(error.next_page, str | None)
