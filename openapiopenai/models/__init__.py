"""The models of the Usage and Costs API (one per result kind, and the page and bucket that hold them), and of
the listings that name what usage results carry as ids: projects, users, and API keys."""

from openapiopenai.models._base import ApiModel
from openapiopenai.models._checks import MAX_INT_DIGITS, MAX_JSON_DEPTH
from openapiopenai.models.admin_api_key import AdminApiKey
from openapiopenai.models.admin_api_key_owner import AdminApiKeyOwner
from openapiopenai.models.api_key_list import ApiKeyList
from openapiopenai.models.costs_result import CostsResult
from openapiopenai.models.costs_result_amount import CostsResultAmount
from openapiopenai.models.kinds import KIND_BY_OBJECT, KIND_NAMES, KINDS, QUANTITY_UNITS, GroupBy, KindName, ResultKind
from openapiopenai.models.project import Project
from openapiopenai.models.project_api_key import ProjectApiKey
from openapiopenai.models.project_api_key_list_response import ProjectApiKeyListResponse
from openapiopenai.models.project_api_key_owner import ProjectApiKeyOwner
from openapiopenai.models.project_api_key_owner_service_account import ProjectApiKeyOwnerServiceAccount
from openapiopenai.models.project_api_key_owner_user import ProjectApiKeyOwnerUser
from openapiopenai.models.project_list_response import ProjectListResponse
from openapiopenai.models.public_project_residency import PublicProjectResidency
from openapiopenai.models.usage_audio_speeches_result import UsageAudioSpeechesResult
from openapiopenai.models.usage_audio_transcriptions_result import UsageAudioTranscriptionsResult
from openapiopenai.models.usage_code_interpreter_sessions_result import UsageCodeInterpreterSessionsResult
from openapiopenai.models.usage_completions_result import UsageCompletionsResult
from openapiopenai.models.usage_embeddings_result import UsageEmbeddingsResult
from openapiopenai.models.usage_file_search_calls_result import UsageFileSearchCallsResult
from openapiopenai.models.usage_images_result import UsageImagesResult
from openapiopenai.models.usage_moderations_result import UsageModerationsResult
from openapiopenai.models.usage_response import UsageResponse
from openapiopenai.models.usage_result import UsageResult
from openapiopenai.models.usage_time_bucket import ResultT, UsageTimeBucket
from openapiopenai.models.usage_vector_stores_result import UsageVectorStoresResult
from openapiopenai.models.usage_web_search_calls_result import UsageWebSearchCallsResult
from openapiopenai.models.user import User
from openapiopenai.models.user_list_response import UserListResponse
from openapiopenai.models.user_projects import UserProjects
from openapiopenai.models.user_projects_data_inner import UserProjectsDataInner
from openapiopenai.models.user_user import UserUser

__all__ = [
    "KINDS",
    "KIND_BY_OBJECT",
    "KIND_NAMES",
    "MAX_INT_DIGITS",
    "MAX_JSON_DEPTH",
    "QUANTITY_UNITS",
    "AdminApiKey",
    "AdminApiKeyOwner",
    "ApiKeyList",
    "ApiModel",
    "CostsResult",
    "CostsResultAmount",
    "GroupBy",
    "KindName",
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
]
