"""Self-contained pages: network, map, chart, timeline, the server's HTML; vendored assets.

The query page (server) reuses the same renderers: ``chart_data``/``timeline_data``
give the data static/views.js draws (``G60Views.render``), ``network_data`` what
static/network.js draws (``G60Network.render``), ``_map_query.query_map_data`` what
static/map.js draws (``G60Map.render``) for a query's answer; ``style_for`` the one
colour and shape of each class, ``echarts_asset`` the vendored ECharts build.
"""

from g60graph.render._chart import (
    CHART_KINDS,
    chart_data,
    echarts_asset,
    view_page,
)
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
from g60graph.render._palette import (
    TECHNICAL,
    Style,
    echarts_symbol,
    style_for,
)
from g60graph.render._timeline import timeline_data

__all__ = [
    "CHART_KINDS",
    "LINE_COLOURS",
    "NONE_ROW",
    "PROVINCE_COLOURS",
    "STRINGS",
    "TECHNICAL",
    "Links",
    "Style",
    "chart_data",
    "echarts_asset",
    "echarts_symbol",
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
    "style_for",
    "term_html",
    "timeline_data",
    "view_page",
    "vis_assets",
]
