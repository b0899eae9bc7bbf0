"""docs/example.ipynb runs top to bottom (nbclient, a real IPython kernel) and shows
rich output: the graph's summary, labelled tables, a typed DataFrame, charts,
a timeline and a diagram, each self-contained."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from paths import REPO

NOTEBOOK = REPO / "docs" / "example.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], Path]:
    folder = tmp_path_factory.mktemp("notebook")
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    nb = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    outputs = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        data = {}
        for out in cell.outputs:
            assert out.output_type != "error", out
            data.update(out.get("data", {}))
        outputs.append(data)
    return outputs, folder


def test_every_cell_shows_rich_output(executed: tuple[list[dict[str, str]], Path]) -> None:
    outputs, folder = executed
    summary, table, table_zh, frame, dtypes, chart, saved, bars, timeline, diagram = outputs
    assert "triples" in summary["text/html"] and "named graphs" in summary["text/html"]
    assert "Hangzhou" in table["text/html"] and "rows" in table["text/html"]
    assert "杭州市" in table_zh["text/html"] and "行" in table_zh["text/html"]
    assert "https://w3id.org" not in frame["text/plain"]  # labels, not IRIs
    assert "The nine G60 corridor cities" in frame["text/plain"]
    assert "datetime64" in dtypes["text/plain"] and "Int64" in dtypes["text/plain"]
    for view in (chart, bars, timeline, diagram):
        page = view["text/html"]
        assert page.startswith("<iframe") and "srcdoc=" in page
        assert "default-src &#x27;none&#x27;" in page  # its CSP, escaped into srcdoc
        assert "&lt;script src" not in page  # every script inline: no CDN
    assert (folder / "total-output.html").is_file()
    assert "total-output.html" in saved["text/plain"]
