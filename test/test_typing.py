"""The typing examples are checked statically by mypy and pyright in CI; here they also run."""

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "typing"))

import check_models
import check_names

CHECKS: list[Callable[[], None]] = [
    check_models.check_result,
    check_models.check_from_dict,
    check_models.check_generic_containers,
    check_models.check_usage,
    check_models.check_every_kind,
    check_models.check_union,
    check_models.check_totals_of_every_kind,
    check_models.check_totals_counters_by_name,
    check_names.check_read_page,
]


@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_typing_example_runs(check: Callable[[], None]) -> None:
    check()


def test_embeddings_page_holds_embeddings_results() -> None:
    page = check_models.UsageResponse[check_models.UsageEmbeddingsResult].from_json(check_models.EMBEDDINGS_PAGE)
    assert page.data[0].results[0].to_dict() == {
        "object": "organization.usage.embeddings.result",
        "input_tokens": 5,
        "num_model_requests": 1,
    }
