"""UsageTally's own handling of the fields it groups by."""

from openapiopenai import UsageImagesResult
from openapiopenai.usage import UsageTally


def result(model: str, size: str, images: int) -> UsageImagesResult:
    return UsageImagesResult.from_dict(
        {
            "object": "organization.usage.images.result",
            "images": images,
            "num_model_requests": 1,
            "model": model,
            "size": size,
        }
    )


def test_a_field_asked_for_twice_is_grouped_by_once() -> None:
    tally = UsageTally(["model", "size", "model"])
    assert tally.by == ("model", "size")
    tally.add_result(result("dall-e-3", "1024x1024", 2))
    tally.add_result(result("dall-e-3", "1024x1024", 3))
    [group] = tally.groups()
    assert group.values == ("dall-e-3", "1024x1024")
    assert group.totals.images == 5
