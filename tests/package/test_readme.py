"""The README shows what the commands print, and lists every named query.

scripts/readme.py writes both (the query tables from the query files, each
``$ g60graph ...`` sample by running it); this test fails when the README drifts.
Fix it by running ``.venv/bin/python scripts/readme.py`` and reviewing the diff.
"""

from __future__ import annotations

import importlib.util
import re

import pytest

from g60graph import _resources
from paths import REPO


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("readme_script", REPO / "scripts" / "readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_what_the_commands_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("G60GRAPH_QUERIES", raising=False)
    text = (REPO / "README.md").read_text(encoding="utf-8")
    samples = re.findall(r"^```\n\$ g60graph ", text, re.MULTILINE)
    assert len(samples) >= 4
    assert _script().regenerate(text) == text, "README.md drifted: run scripts/readme.py"


def test_every_named_query_is_in_the_readme() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for path in sorted(_resources.queries_dir().glob("*.rq")):
        shown = path.stem.removeprefix("diagram-")
        assert f"| `{shown}` |" in text, path.stem


def test_a_sample_that_fails_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="exit code 2"):
        _script().run_sample("$ g60graph query no-such-query")
