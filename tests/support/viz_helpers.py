"""Shared by the diagram tests: a data file with hostile labels, and PNG colours."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "</script><script>window.__pwned=1</script>"

EVIL_TTL = f"""
@prefix g60: <https://w3id.org/g60graph/def#> .
@prefix g60r: <https://w3id.org/g60graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

g60r:evil-city a g60:PrefectureLevelCity ;
  rdfs:label "{IMG}"@en , "{SCRIPT}"@zh ;
  g60:directlyLocatedIn g60r:zhejiang ;
  rdfs:comment "{SCRIPT} \\u2028 & <!-- -->" ;
  dcterms:source g60r:evil-source .

g60r:evil-source a g60:Source ;
  rdfs:label "{SCRIPT}" ;
  schema:url <javascript:window.__pwned=1> .
"""


def evil_data(directory: Path) -> Path:
    path = directory / "evil.ttl"
    path.write_text(EVIL_TTL, encoding="utf-8")
    return path


def png_colours(png: bytes, limit: int = 64) -> int:
    """How many distinct pixel colours an 8-bit RGB/RGBA PNG holds (up to ``limit``)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6), "an 8-bit RGB or RGBA screenshot"
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = row[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - bpp] if i >= bpp else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[i] = (row[i] + pred) & 0xFF
        previous = row
        for x in range(0, stride, bpp * 7):  # a sample of pixels is enough
            seen.add(bytes(row[x:x + 3]))
        if len(seen) >= limit:
            break
    return len(seen)


# Two different characters: with a CJK font they differ; without one both are the
# same "missing glyph" box.
GLYPHS_DIFFER = """(font) => {
  const draw = (ch) => {
    const c = document.createElement("canvas"); c.width = 64; c.height = 64;
    const g = c.getContext("2d"); g.font = "48px " + font; g.fillText(ch, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data).join(",");
  };
  return draw("杭") !== draw("州") && draw("杭") !== draw(" ");
}"""
FONT = "system-ui, 'Noto Sans CJK SC', sans-serif"
