from typing import Literal

from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable
from openapiopenai.models.project_api_key_owner_service_account import ProjectApiKeyOwnerServiceAccount
from openapiopenai.models.project_api_key_owner_user import ProjectApiKeyOwnerUser


class ProjectApiKeyOwner(ApiModel):
    """The user or service account that owns a project API key."""

    type: Omittable[Literal["user", "service_account"]] = None
    """`user` or `service_account`"""

    user: Omittable[ProjectApiKeyOwnerUser] = None
    """The user that owns a project API key."""

    service_account: Omittable[ProjectApiKeyOwnerServiceAccount] = None
    """The service account that owns a project API key."""
