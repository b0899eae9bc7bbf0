"""Heavy dependencies load lazily: start-up time is felt on every call."""

import json
import subprocess
import sys

# Our own stacks a query does not need: the feature commands, the renderers, remote
# access (imported when a command names them: about 50 ms of every start-up).
OURS = ["g60graph.cli._diagrams", "g60graph.cli._linking", "g60graph.cli._server",
        "g60graph.render", "g60graph.external", "g60graph.server", "difflib"]
HEAVY = ["pyvis", "networkx", "owlrl", "pandas", "starlette", "uvicorn", "fastapi", "pyshacl",
         "SPARQLWrapper"]

PROBE = """
import json, sys
from g60graph.cli import main
code = main(sys.argv[1:])
heavy = {heavy!r}
print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)
"""


def _loaded(*argv: str, heavy: list[str] = HEAVY) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=heavy), *argv],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy() -> None:
    assert not set(_loaded("--help")) & set(HEAVY)


def test_named_query_imports_nothing_heavy() -> None:
    assert _loaded("query", "cities", "--format", "csv") == []


def test_named_query_imports_none_of_the_feature_stacks() -> None:
    assert _loaded("query", "cities", "--format", "csv", heavy=OURS) == []
