"""Pydantic models of the OpenAI organization Usage and Costs API."""

from openapiopenai.models import (
    KINDS,
    ApiModel,
    CostsResult,
    CostsResultAmount,
    ResultKind,
    ResultT,
    UsageAudioSpeechesResult,
    UsageAudioTranscriptionsResult,
    UsageCodeInterpreterSessionsResult,
    UsageCompletionsResult,
    UsageEmbeddingsResult,
    UsageFileSearchCallsResult,
    UsageImagesResult,
    UsageModerationsResult,
    UsageResponse,
    UsageResult,
    UsageTimeBucket,
    UsageVectorStoresResult,
    UsageWebSearchCallsResult,
)

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "ApiModel",
    "CostsResult",
    "CostsResultAmount",
    "ResultKind",
    "ResultT",
    "UsageAudioSpeechesResult",
    "UsageAudioTranscriptionsResult",
    "UsageCodeInterpreterSessionsResult",
    "UsageCompletionsResult",
    "UsageEmbeddingsResult",
    "UsageFileSearchCallsResult",
    "UsageImagesResult",
    "UsageModerationsResult",
    "UsageResponse",
    "UsageResult",
    "UsageTimeBucket",
    "UsageVectorStoresResult",
    "UsageWebSearchCallsResult",
    "__version__",
]
