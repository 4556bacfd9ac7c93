"""Pydantic models of the OpenAI organization Usage and Costs API."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openapiopenai.models import (
        KINDS,
        AdminApiKey,
        AdminApiKeyOwner,
        ApiKeyList,
        ApiModel,
        CostsResult,
        CostsResultAmount,
        Project,
        ProjectApiKey,
        ProjectApiKeyListResponse,
        ProjectApiKeyOwner,
        ProjectApiKeyOwnerServiceAccount,
        ProjectApiKeyOwnerUser,
        ProjectListResponse,
        PublicProjectResidency,
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
        User,
        UserListResponse,
        UserProjects,
        UserProjectsDataInner,
        UserUser,
    )

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "AdminApiKey",
    "AdminApiKeyOwner",
    "ApiKeyList",
    "ApiModel",
    "CostsResult",
    "CostsResultAmount",
    "Project",
    "ProjectApiKey",
    "ProjectApiKeyListResponse",
    "ProjectApiKeyOwner",
    "ProjectApiKeyOwnerServiceAccount",
    "ProjectApiKeyOwnerUser",
    "ProjectListResponse",
    "PublicProjectResidency",
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
    "User",
    "UserListResponse",
    "UserProjects",
    "UserProjectsDataInner",
    "UserUser",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # The models are imported on first use, so `openapiopenai --version` starts without pydantic.
    if name in __all__ and name != "__version__":
        import openapiopenai.models

        value = getattr(openapiopenai.models, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
