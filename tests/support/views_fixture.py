"""A small figure series and dated events, with hostile labels, for the chart and timeline tests."""

from __future__ import annotations

from pathlib import Path

from viz_helpers import IMG, SCRIPT

# Data v2: each source's statements in a graph of its own, derived from that source
# (described in the file's default graph), so the views find who says what.
SERIES_TTL = f"""
@prefix g60: <https://w3id.org/g60graph/def#> .
@prefix g60r: <https://w3id.org/g60graph/id/> .
@prefix g60g: <https://w3id.org/g60graph/graph/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .

g60r:measure-test a g60:Measure ; rdfs:label "Test output"@en , "测试产值"@zh .
g60r:unit-test a g60:Unit ; rdfs:label "{IMG}"@en , "元"@zh .
g60r:test-source a g60:Source ; rdfs:label "{SCRIPT}" ;
  schema:url <https://example.org/source?a=1&b=2> .
g60r:evil-source a g60:Source ; rdfs:label "evil" ; schema:url <javascript:window.__pwned=1> .
g60g:test-source a g60:SourceGraph ; prov:wasDerivedFrom g60r:test-source .
g60g:evil-source a g60:SourceGraph ; prov:wasDerivedFrom g60r:evil-source .
""" + "".join(
    f"""
g60g:{"evil-source" if value == 7 else "test-source"} {{
g60r:obs-test-{city}-{year} a g60:Observation ; g60:measure g60r:measure-test ;
  g60:observedEntity g60r:{city} ; g60:value {value} ; g60:unit g60r:unit-test ;
  g60:periodStart "{year}-01-01"^^xsd:date ; g60:periodEnd "{year}-12-31"^^xsd:date .
}}
"""
    for city, year, value in [
        ("hangzhou", 2019, 5), ("hangzhou", 2020, 6), ("hangzhou", 2021, 8),
        ("hefei", 2019, 3), ("hefei", 2020, 7), ("hefei", 2021, 9),
    ]
) + f"""
g60g:evil-source {{
g60r:event-test a g60:Conference ; rdfs:label "{IMG}"@en , "{SCRIPT}"@zh ;
  schema:startDate "2023-05-06"^^xsd:date .
}}
g60r:doc-test a g60:Declaration ; rdfs:label "测试宣言"@zh , "Test declaration"@en ;
  dcterms:date "2023-05-06"^^xsd:date ; g60:madeAtEvent g60r:event-test .
"""


def series_data(directory: Path) -> Path:
    path = directory / "series.trig"
    path.write_text(SERIES_TTL, encoding="utf-8")
    return path
