"""Regenerate the README's generated parts: the named-query tables and the samples.

    .venv/bin/python scripts/readme.py          # rewrite README.md in place
    .venv/bin/python scripts/readme.py --check  # exit 1 if README.md is out of date

The named-query tables (between ``<!-- queries:begin -->`` and ``<!-- queries:end -->``)
come from the header of every file in queries/. A sample is a fenced block whose first
line is ``$ g60graph ...`` (optionally ``| head -N``): the command is run in-process at
120 columns and its standard output replaces the rest of the block. tests/package/test_readme.py
fails when README.md differs from what this writes, so after changing the data or a
query, run this and review the diff.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
WIDTH = "120"  # what the commands use when their output is not a terminal
_BEGIN, _END = "<!-- queries:begin -->", "<!-- queries:end -->"
_SAMPLE = re.compile(r"^```\n(\$ g60graph [^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def query_tables() -> str:
    """Markdown tables of the packaged named queries, by kind."""
    from g60graph import _resources
    from g60graph.sparql._lexer import keywords
    from g60graph.sparql._named import catalogue

    groups: dict[str, list[str]] = {"table": [], "diagram": [], "federated": []}
    for name, query in catalogue(_resources.queries_dir()).items():
        params = ", ".join(
            f"`{p.name}`" + (" (required)" if p.required else f" (default `{p.default}`)"
                             if p.default else "")
            for p in query.params
        )
        kind = ("federated" if "SERVICE" in keywords(query.text)
                else "diagram" if name.startswith("diagram-") else "table")
        shown = name.removeprefix("diagram-") if kind == "diagram" else name
        groups[kind].append(f"| `{shown}` | {query.title} | {query.title_in('zh')} | {params} |")
    head = "| name | what it answers | 中文标题 | parameters |\n| --- | --- | --- | --- |\n"
    return (
        head + "\n".join(groups["table"]) + "\n\n"
        "Diagrams, drawn with `g60graph viz --diagram NAME` (the query `diagram-NAME`):\n\n"
        + head + "\n".join(groups["diagram"]) + "\n\n"
        "Federated queries, which ask Wikidata and so run only with `--allow-service URL`"
        " (see [docs/linking.md](docs/linking.md)):\n\n"
        + head + "\n".join(groups["federated"]) + "\n"
    )


def run_sample(command: str) -> str:
    """What ``$ g60graph ...`` prints (standard output), as a person at 120 columns sees it."""
    from g60graph.cli import main

    words = shlex.split(command.removeprefix("$ "))
    head = None
    if "|" in words:
        at = words.index("|")
        if words[at + 1 : at + 2] != ["head"] or not words[at + 2].startswith("-"):
            raise ValueError(f"only '| head -N' may follow a sample command: {command}")
        head, words = int(words[at + 2][1:]), words[:at]
    out = io.StringIO()
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(words[1:])
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
    if code != 0:
        raise RuntimeError(f"README sample failed with exit code {code}: {command}")
    text = out.getvalue().replace("\r\n", "\n")  # CSV rows end in CRLF (RFC 4180)
    if head is not None:
        text = "".join(text.splitlines(keepends=True)[:head])
    return text


def regenerate(text: str) -> str:
    start, end = text.index(_BEGIN) + len(_BEGIN), text.index(_END)
    text = text[:start] + "\n" + query_tables() + text[end:]
    return _SAMPLE.sub(lambda m: f"```\n{m[1]}\n{run_sample(m[1])}```", text)


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = regenerate(current)
    if "--check" in argv:
        if fresh != current:
            print("README.md is out of date: run scripts/readme.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
