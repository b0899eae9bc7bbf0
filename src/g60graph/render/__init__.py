"""Self-contained pages: the network diagram, the map, the server's HTML; vendored static assets."""

from g60graph.render._map import (
    LINE_COLOURS,
    PROVINCE_COLOURS,
    map_data,
    render_map,
)
from g60graph.render._network_page import (
    STRINGS,
    network_data,
    network_page,
    page,
    render_graph,
    script_json,
    static_text,
    vis_assets,
)
from g60graph.render._pages import (
    NONE_ROW,
    Links,
    error_page,
    esc,
    external,
    layout,
    neighbourhood_svg,
    ontology_page,
    resource_page,
    term_html,
)

__all__ = [
    "LINE_COLOURS",
    "NONE_ROW",
    "PROVINCE_COLOURS",
    "STRINGS",
    "Links",
    "error_page",
    "esc",
    "external",
    "layout",
    "map_data",
    "neighbourhood_svg",
    "network_data",
    "network_page",
    "ontology_page",
    "page",
    "render_graph",
    "render_map",
    "resource_page",
    "script_json",
    "static_text",
    "term_html",
    "vis_assets",
]
