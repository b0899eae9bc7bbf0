"""The stores a query runs on, behind one seam."""

from g60graph.backends._local import (
    MANIFEST,
    STATUS,
    USER_AGENT,
    XSD_STRING,
    Backend,
    LocalBackend,
    Quad,
    RemoteBackend,
    auth_scheme,
    credentials,
    from_ox,
    plain,
    result_graph,
)

__all__ = [
    "MANIFEST",
    "STATUS",
    "USER_AGENT",
    "XSD_STRING",
    "Backend",
    "LocalBackend",
    "Quad",
    "RemoteBackend",
    "auth_scheme",
    "credentials",
    "from_ox",
    "plain",
    "result_graph",
]
