"""Corridor-shaped synthetic data at a chosen size, for the store benchmarks.

Enterprises in the nine cities and their parks, in industries, members of
alliances, with projects (investment figures) and dated observations. Every
IRI is in its own namespace and every quad in its own named graph, so the
output never mixes with the curated data in data/ (and is never written there).

    python benchmarks/generate.py 1M               # -> benchmarks/out/synthetic-1M.nq
    python benchmarks/generate.py 10k --out /tmp

Sizes: a number with an optional k/M suffix (10k, 100k, 1M, 10M). The output
is N-Quads, deterministic for a size and seed.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

NS = "https://w3id.org/g60graph/synthetic/"
GRAPH = "https://w3id.org/g60graph/graph/synthetic"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
OUT = Path(__file__).resolve().parent / "out"  # git-ignored

CITIES = [
    ("shanghai-songjiang", "Songjiang", "松江"), ("jiaxing", "Jiaxing", "嘉兴"),
    ("hangzhou", "Hangzhou", "杭州"), ("jinhua", "Jinhua", "金华"), ("suzhou", "Suzhou", "苏州"),
    ("huzhou", "Huzhou", "湖州"), ("xuancheng", "Xuancheng", "宣城"), ("wuhu", "Wuhu", "芜湖"),
    ("hefei", "Hefei", "合肥"),
]
INDUSTRIES = [
    ("integrated-circuits", "Integrated circuits", "集成电路"),
    ("biomedicine", "Biomedicine", "生物医药"), ("artificial-intelligence", "AI", "人工智能"),
    ("new-energy", "New energy", "新能源"), ("new-materials", "New materials", "新材料"),
    ("high-end-equipment", "High-end equipment", "高端装备"),
    ("new-energy-vehicles", "New energy vehicles", "新能源汽车"),
    ("robotics", "Robotics", "机器人"), ("aerospace", "Aerospace", "航空航天"),
    ("digital-economy", "Digital economy", "数字经济"),
]
TRIPLES_PER_ENTERPRISE = 15  # about, with its projects and observations


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "km" else text
    return int(float(number) * factor)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def generate(triples: int, out: Path, seed: int = 60) -> int:
    """Write about ``triples`` quads to ``out``; returns the exact count."""
    rng = random.Random(seed)
    g = f"<{GRAPH}>"
    lines: list[str] = []
    count = 0

    def emit(s: str, p: str, o: str) -> None:
        nonlocal count
        lines.append(f"<{NS}{s}> <{p}> {o} {g} .\n")
        count += 1

    def iri(local: str) -> str:
        return f"<{NS}{local}>"

    for slug, en, zh in CITIES:
        emit(f"city-{slug}", RDF_TYPE, iri("City"))
        emit(f"city-{slug}", LABEL, f'"{en}"@en')
        emit(f"city-{slug}", LABEL, f'"{zh}"@zh')
    for slug, en, zh in INDUSTRIES:
        emit(f"industry-{slug}", RDF_TYPE, iri("Industry"))
        emit(f"industry-{slug}", LABEL, f'"{en}"@en')
        emit(f"industry-{slug}", LABEL, f'"{zh}"@zh')
    alliances = [f"alliance-{i}" for i in range(14)]
    for i, a in enumerate(alliances):
        emit(a, RDF_TYPE, iri("Alliance"))
        emit(a, LABEL, f'"Industrial alliance {i}"@en')
        emit(a, NS + "focusIndustry", iri(f"industry-{INDUSTRIES[i % len(INDUSTRIES)][0]}"))
    enterprises = max(triples // TRIPLES_PER_ENTERPRISE, 1)
    parks = max(enterprises // 200, 9)
    for i in range(parks):
        city = CITIES[i % len(CITIES)][0]
        emit(f"park-{i}", RDF_TYPE, iri("Park"))
        emit(f"park-{i}", LABEL, f'"{CITIES[i % len(CITIES)][1]} park {i}"@en')
        emit(f"park-{i}", NS + "city", iri(f"city-{city}"))
        emit(f"park-{i}", NS + "focusIndustry", iri(f"industry-{rng.choice(INDUSTRIES)[0]}"))
    project = observation = 0
    with out.open("w", encoding="utf-8") as handle:
        e = -1
        while count < triples:
            e += 1
            s = f"enterprise-{e}"
            park = rng.randrange(parks)
            city = CITIES[park % len(CITIES)][0]
            emit(s, RDF_TYPE, iri("Enterprise"))
            emit(s, LABEL, f'"Enterprise {e}"@en')
            emit(s, LABEL, f'"企业{e}号"@zh')
            emit(s, NS + "city", iri(f"city-{city}"))
            emit(s, NS + "park", iri(f"park-{park}"))
            emit(s, NS + "industry", iri(f"industry-{rng.choice(INDUSTRIES)[0]}"))
            year = rng.randrange(1990, 2025)
            emit(s, NS + "founded",
                 f'"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"^^<{XSD}date>')
            emit(s, NS + "employees", f'"{int(rng.paretovariate(1.2) * 10)}"^^<{XSD}integer>')
            for a in rng.sample(alliances, rng.choice((0, 1, 1, 2))):
                emit(s, NS + "memberOf", iri(a))
            if rng.random() < 0.5:
                p = f"project-{project}"
                project += 1
                emit(p, RDF_TYPE, iri("Project"))
                emit(p, LABEL, f'"Project {project} of enterprise {e}"@en')
                emit(p, NS + "investor", iri(s))
                emit(p, NS + "investment",
                     f'"{rng.randrange(1, 500_000) * 10_000}.00"^^<{XSD}decimal>')
                emit(p, NS + "startYear", f'"{rng.randrange(2015, 2026)}"^^<{XSD}gYear>')
            o = f"obs-{observation}"
            observation += 1
            emit(o, RDF_TYPE, iri("Observation"))
            emit(o, NS + "observedEntity", iri(s))
            emit(o, NS + "revenue", f'"{rng.randrange(1, 10**7) * 1000}"^^<{XSD}integer>')
            emit(o, NS + "refDate", f'"{rng.randrange(2018, 2025)}-12-31"^^<{XSD}date>')
            if len(lines) >= 100_000:
                handle.writelines(lines)
                lines.clear()
        handle.writelines(lines)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="about this many triples: 10k, 100k, 1M, 10M")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    parser.add_argument("--seed", type=int, default=60)
    args = parser.parse_args(argv)
    n = parse_size(args.size)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"synthetic-{size_label(n)}.nq"
    tmp = path.with_suffix(".nq.tmp")
    count = generate(n, tmp, args.seed)
    tmp.replace(path)  # atomic: a reader never sees half a file
    print(f"{path}: {count} quads", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
