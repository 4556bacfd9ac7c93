"""Hypothesis profiles: a light one by default, for the inner loop, and a deep one that CI runs too; and the
fake of the API on 127.0.0.1 that the fetch tests share (`fake`, `base_url`).

`HYPOTHESIS_PROFILE=deep python -m pytest -m hypothesis` tries every property with its full number of examples.
"""

from collections.abc import Iterator

import pytest
from hypothesis import settings

from fake_api import FakeApi, serve
from strategies import PROFILE

settings.register_profile("light", max_examples=20, deadline=None)
settings.register_profile("deep", max_examples=100, deadline=None)
settings.load_profile(PROFILE)


@pytest.fixture
def fake() -> FakeApi:
    """The fake of the API, with seeded data (a test module may give another seed)."""
    return FakeApi(seed=3)


@pytest.fixture
def base_url(fake: FakeApi) -> Iterator[str]:
    """`fake` served on 127.0.0.1: its base URL."""
    yield from serve(fake)
