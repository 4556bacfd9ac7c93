from openapiopenai.models._base import ApiModel
from openapiopenai.models._omittable import Omittable


class AdminApiKeyOwner(ApiModel):
    """The user or service account that owns an admin API key."""

    type: Omittable[str] = None
    """Always `user`"""

    object: Omittable[str] = None
    """The object type, which is always organization.user"""

    id: Omittable[str] = None
    """The identifier, which can be referenced in API endpoints"""

    name: Omittable[str] = None
    """The name of the user"""

    created_at: Omittable[int] = None
    """The Unix timestamp (in seconds) of when the user was created"""

    role: Omittable[str] = None
    """Always `owner`"""
