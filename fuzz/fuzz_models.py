"""Coverage-guided fuzzing of the parsing helpers with atheris, for long runs outside CI.

    pip install atheris
    python fuzz/fuzz_models.py -max_total_time=3600
    mkdir -p /tmp/found && python fuzz/fuzz_models.py /tmp/found test/corpus -max_total_time=3600

The second form seeds the run with the hostile corpus; new inputs go to the first directory only.

The properties are those of test/test_hostile_fuzz.py: every input either parses, and then
round-trips exactly, or raises pydantic.ValidationError whose every error has a location and a
message. Any other exception, a hang or a crash is a finding; atheris saves the input that caused it.
"""

import json
import sys
from typing import Any

import atheris

with atheris.instrument_imports():
    from pydantic import ValidationError

    from openapiopenai import ApiModel, UsageImagesResult, UsageResponse, UsageTimeBucket

MODELS: list[type[ApiModel]] = [UsageImagesResult, UsageTimeBucket, UsageResponse]


def parse(call: Any, argument: Any) -> ApiModel | None:
    try:
        return call(argument)  # type: ignore[no-any-return]
    except ValidationError as error:
        details = error.errors()
        if not details or not str(error):
            raise AssertionError("a ValidationError without errors") from error
        for detail in details:
            if not isinstance(detail["loc"], tuple) or not detail["msg"]:
                raise AssertionError(f"an error without a location or a message: {detail!r}") from error
        return None


def check(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    model = MODELS[provider.ConsumeIntInRange(0, len(MODELS) - 1)]
    document = provider.ConsumeBytes(provider.remaining_bytes())
    parsed = parse(model.from_json, document)
    if parsed is not None:
        if json.loads(parsed.to_json()) != json.loads(document):
            raise AssertionError("an accepted document was altered")
        loaded = json.loads(document)
        again = parse(model.from_dict, loaded)
        if again is None or again.to_dict() != loaded:
            raise AssertionError("from_dict refused or altered what from_json accepted")
    parse(model.from_json, document.decode("utf-8", "surrogateescape"))
    try:
        loaded = json.loads(document)
    except ValueError:
        return
    if isinstance(loaded, dict):
        accepted = parse(model.from_dict, loaded)
        if accepted is not None and accepted.to_dict() != loaded:
            raise AssertionError("from_dict altered a document")


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
