"""Heavy dependencies load lazily: start-up time is felt on every call."""

import json
import subprocess
import sys

HEAVY = ["pyvis", "networkx", "owlrl", "pandas", "starlette", "uvicorn", "fastapi", "pyshacl",
         "SPARQLWrapper"]

PROBE = """
import json, sys
from g60graph.cli import main
code = main(sys.argv[1:])
heavy = {heavy!r}
print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def _loaded(*argv: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy() -> None:
    assert _loaded("--help") == []


def test_named_query_imports_nothing_heavy() -> None:
    assert _loaded("query", "cities", "--format", "csv") == []
