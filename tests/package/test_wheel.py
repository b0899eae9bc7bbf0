"""The built wheel carries the ontology, data and queries, and works from anywhere."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from paths import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=REPO, check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("g60graph-*.whl")
    return built


def test_wheel_contains_the_graph_and_queries(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("g60graph/py.typed", "g60graph/_resources/ontology/g60.ttl",
                     "g60graph/_resources/ontology/shapes.ttl",
                     "g60graph/_resources/data/curation/places.trig",
                     "g60graph/_resources/data/sources/shine-2021-11-08.trig",
                     "g60graph/_resources/queries/cities.rq",
                     "g60graph/render/static/network.js",
                     "g60graph/render/static/server-index.html",
                     "g60graph/render/static/vendor/codemirror.js",
                     "g60graph/render/static/vendor/licenses/@codemirror__view.txt",
                     "g60graph/render/static/basemap/yrd-10m.geojson",
                     "g60graph/render/static/basemap/LICENSE",
                     "g60graph/_resources/queries/page/entities.rq"):
        assert expected in names
    assert sum(n.endswith(".rq") for n in names) >= 15
    # every data file of the checkout (TriG, two graphs each) and nothing else
    packaged = {n.removeprefix("g60graph/_resources/") for n in names
                if n.startswith("g60graph/_resources/data/")}
    checkout = {str(p.relative_to(REPO)) for p in (REPO / "data").rglob("*") if p.is_file()}
    assert packaged == checkout and all(n.endswith(".trig") for n in packaged)


def test_installed_wheel_answers_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    # The dependencies come from the environment running the tests (no network at test
    # time), whether that is a venv or not: a .pth file adds its site-packages after the
    # new environment's own. (system_site_packages would add the *base* interpreter's.)
    # Its .pth files are not processed from there, so an editable checkout stays out;
    # the wheel, installed into the new environment, is the only g60graph it sees.
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    ask = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    inner = subprocess.run([python, "-c", ask], check=True, capture_output=True,
                           text=True).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "_outer_dependencies.pth").write_text("\n".join(sorted(outer)) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import g60graph._resources as r; print(r.queries_dir())"],
        cwd=elsewhere, check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()
    assert where.startswith(str(env_dir)) and where.endswith("_resources/queries")
    done = subprocess.run(
        [env_dir / "bin" / "g60graph", "query", "cities", "--format", "csv"],
        cwd=elsewhere, check=True, capture_output=True, text=True, timeout=120,
    )
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    from g60graph import KnowledgeGraph  # the checkout's own answer, from the same data

    local = KnowledgeGraph.load().query("cities")
    assert len(rows) == len(local) >= 9 and "合肥市" in {r["nameZh"] for r in rows}


def test_a_cli_install_needs_no_pyvis(wheel: Path) -> None:
    """pyvis requires IPython and jedi; the pages inline vis-network themselves, so pyvis
    is only the 'notebook' extra."""
    archive = zipfile.ZipFile(wheel)
    (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    requires = [line for line in archive.read(meta).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    pyvis = [line for line in requires if "pyvis" in line]
    assert pyvis and all("extra ==" in line for line in pyvis)
    assert any("extra == 'notebook'" in line or 'extra == "notebook"' in line for line in pyvis)
