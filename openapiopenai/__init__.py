"""Pydantic models of the OpenAI organization Usage API's images endpoint."""

from openapiopenai.models import ApiModel, ResultT, UsageImagesResult, UsageResponse, UsageTimeBucket

__version__ = "0.1.0"

__all__ = ["ApiModel", "ResultT", "UsageImagesResult", "UsageResponse", "UsageTimeBucket", "__version__"]
