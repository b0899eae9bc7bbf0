"""g60graph: a sourced, bilingual knowledge graph of the G60 corridor.

The public surface is small and locked by ``tests/test_public_api.py``.
"""

from g60graph.errors import G60Error
from g60graph.graph import KnowledgeGraph
from g60graph.queries import Query
from g60graph.results import QueryResult

__version__ = "0.1.0"

__all__ = ["G60Error", "KnowledgeGraph", "Query", "QueryResult", "__version__"]
