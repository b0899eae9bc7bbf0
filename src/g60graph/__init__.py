"""g60graph: a sourced, bilingual knowledge graph of the G60 corridor.

The public surface is small and locked by ``tests/package/test_public_api.py``.
"""

from g60graph._errors import G60Error
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._version import __version__
from g60graph.results._model import QueryResult
from g60graph.sparql._named import Query

__all__ = ["G60Error", "KnowledgeGraph", "Query", "QueryResult", "__version__"]
