"""Descriptions of the dataset and the service: VoID, SPARQL service description."""

from g60graph.describe._service import (
    FORMATS,
    SD,
    service_description,
)
from g60graph.describe._void import (
    LICENSE,
    TARGETS,
    describe,
    execute_sources,
)

__all__ = [
    "FORMATS",
    "LICENSE",
    "SD",
    "TARGETS",
    "describe",
    "execute_sources",
    "service_description",
]
