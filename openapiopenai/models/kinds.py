"""The kinds of result the Usage and Costs API returns: one per endpoint, named as in its path."""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, cast, get_args

from openapiopenai.models._base import ApiModel
from openapiopenai.models.costs_result import CostsResult
from openapiopenai.models.usage_audio_speeches_result import UsageAudioSpeechesResult
from openapiopenai.models.usage_audio_transcriptions_result import UsageAudioTranscriptionsResult
from openapiopenai.models.usage_code_interpreter_sessions_result import UsageCodeInterpreterSessionsResult
from openapiopenai.models.usage_completions_result import UsageCompletionsResult
from openapiopenai.models.usage_embeddings_result import UsageEmbeddingsResult
from openapiopenai.models.usage_file_search_calls_result import UsageFileSearchCallsResult
from openapiopenai.models.usage_images_result import UsageImagesResult
from openapiopenai.models.usage_moderations_result import UsageModerationsResult
from openapiopenai.models.usage_vector_stores_result import UsageVectorStoresResult
from openapiopenai.models.usage_web_search_calls_result import UsageWebSearchCallsResult

KindName = Literal[
    "completions",
    "embeddings",
    "moderations",
    "images",
    "audio_speeches",
    "audio_transcriptions",
    "vector_stores",
    "code_interpreter_sessions",
    "file_search_calls",
    "web_search_calls",
    "costs",
]
"""The name of a kind: the last part of its endpoint's path."""

KIND_NAMES: Final[tuple[KindName, ...]] = get_args(KindName)

GroupBy = Literal[
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "size",
    "source",
    "batch",
    "service_tier",
    "vector_store_id",
    "context_level",
    "line_item",
]
"""A field some endpoint can group by (a value of its `group_by` query parameter)."""


@dataclass(frozen=True)
class ResultKind:
    """One endpoint of the Usage and Costs API and the result model its buckets hold."""

    name: KindName
    """The last part of the endpoint's path, as in `/organization/usage/completions`."""

    path: str
    """The endpoint's path, below `https://api.openai.com/v1`."""

    model: type[ApiModel]
    """The model of one result."""

    group_by: tuple[GroupBy, ...]
    """The values the endpoint's `group_by` query parameter accepts, in the spec's order; each names a field
    of `model`."""

    @property
    def object(self) -> str:
        """The `object` value of this kind's results."""
        (value,) = get_args(self.model.model_fields["object"].annotation)
        return cast("str", value)


def _usage(name: KindName, model: type[ApiModel], *group_by: GroupBy) -> ResultKind:
    return ResultKind(name, f"/organization/usage/{name}", model, group_by)


_STANDARD: Final[tuple[GroupBy, ...]] = ("project_id", "user_id", "api_key_id", "model")

KINDS: Final[Mapping[KindName, ResultKind]] = MappingProxyType(
    {
        kind.name: kind
        for kind in (
            _usage("completions", UsageCompletionsResult, *_STANDARD, "batch", "service_tier"),
            _usage("embeddings", UsageEmbeddingsResult, *_STANDARD),
            _usage("moderations", UsageModerationsResult, *_STANDARD),
            _usage("images", UsageImagesResult, *_STANDARD, "size", "source"),
            _usage("audio_speeches", UsageAudioSpeechesResult, *_STANDARD),
            _usage("audio_transcriptions", UsageAudioTranscriptionsResult, *_STANDARD),
            _usage("vector_stores", UsageVectorStoresResult, "project_id"),
            _usage("code_interpreter_sessions", UsageCodeInterpreterSessionsResult, "project_id"),
            _usage("file_search_calls", UsageFileSearchCallsResult, *_STANDARD[:3], "vector_store_id"),
            _usage("web_search_calls", UsageWebSearchCallsResult, *_STANDARD, "context_level"),
            ResultKind("costs", "/organization/costs", CostsResult, ("project_id", "line_item", "api_key_id")),
        )
    }
)
"""Every kind by name, in the order of the spec's list of results."""

KIND_BY_OBJECT: Final[Mapping[str, ResultKind]] = MappingProxyType({kind.object: kind for kind in KINDS.values()})
"""Every kind by the `object` value of its results (two differ from their paths:
`organization.usage.file_searches.result` and `organization.usage.web_searches.result`)."""

QUANTITY_UNITS: Final = (
    "tokens",
    "1000_tokens",
    "duration_seconds",
    "duration_minutes",
    "duration_hours",
    "gibibyte_hours",
    "images",
    "characters",
)
"""The units of `CostsResult.quantity` the spec knows; the API may send others, which are kept as they are."""
