from typing import Annotated, TypeAlias

from pydantic import Field

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

UsageResult: TypeAlias = Annotated[
    UsageCompletionsResult
    | UsageEmbeddingsResult
    | UsageModerationsResult
    | UsageImagesResult
    | UsageAudioSpeechesResult
    | UsageAudioTranscriptionsResult
    | UsageVectorStoresResult
    | UsageCodeInterpreterSessionsResult
    | UsageFileSearchCallsResult
    | UsageWebSearchCallsResult
    | CostsResult,
    # Chosen by the `object` value in one lookup, as the spec's discriminator says; a result of
    # a kind not listed here is reported once, as an unknown tag, rather than against every kind.
    Field(discriminator="object"),
]
"""A result of any kind: `UsageResponse[UsageResult]` reads a page of any usage or costs endpoint."""
