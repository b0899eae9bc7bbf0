"""The SPARQL endpoint and Linked Data server (``g60graph serve``).

``create_app(kg_factory, settings)`` builds a Starlette app; queries run in
worker processes (see _executor.py) so a time limit really stops the work.
"""

from g60graph.server._app import create_app
from g60graph.server._settings import Settings

__all__ = ["Settings", "create_app"]
