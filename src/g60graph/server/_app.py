"""The Starlette app: SPARQL endpoint, query page, Linked Data pages, VoID.

Routes
  /                      the query page (static, no CDN)
  /sparql                SPARQL 1.1 Protocol (GET, POST form, POST sparql-query);
                         without a query: the service description
  /update                SPARQL 1.1 Update, only with --enable-updates and a bearer token
  /api/queries           the named queries (the page's example gallery), JSON
  /api/config            the page's settings and the predeclared prefixes, JSON
  /api/labels            POST a JSON list of IRIs: their English and Chinese labels
  /api/vocabulary        the graph's classes and properties with labels (completion)
  /api/entities?q=       resources whose label contains q (completion)
  /api/spreadsheet       ?query= or ?name=&<param>=, format=csv|xlsx, lang=en|zh:
                         a labelled table for spreadsheets (CSV with a BOM, or XLSX)
  /api/text?name=&<param>=
                         a named query's text with its parameters bound, text/plain
                         (what the page's code snippets send)
  /api/view              the same query parameters, kind=line|bar|timeline|network|map:
                         the data of the renderer the CLI's files use for that view
                         (static/views.js, network.js, map.js)
  /queries/{name}        run a named query with ?param=value, results by conneg
  /id/{slug}             a resource: HTML, or Turtle / JSON-LD / N-Triples by Accept
  /def                   the ontology: HTML documentation, or RDF by Accept
  /.well-known/void      VoID description (Turtle, or other RDF by Accept)

Status codes: 400 malformed query or bad parameter, 401 bad update token,
403 refused (updates disabled, SERVICE, LOAD),
404 unknown resource or query, 406 no acceptable format, 413 body too large,
414 URL too long, 415 unsupported POST type, 503 the query was stopped by a
resource limit (the time limit, with ``X-G60-Timeout: true``, or the worker
memory cap), 500 the query failed. Answers cut at the row limit carry ``X-G60-Truncated: true``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware, IdentityResponder
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from g60graph import _errors as errors
from g60graph import _resources as resources
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import QUERY_PREFIXES
from g60graph.render import _pages as pages
from g60graph.server import _jobs as jobs
from g60graph.server import _protocol as protocol
from g60graph.server._cache import CACHE_HEADER, AnswerCache, Kept
from g60graph.server._executor import Busy, Executor, QueryTimeout, WorkerCrashed
from g60graph.server._middleware import Guard
from g60graph.server._page_jobs import SPREADSHEET_TYPES
from g60graph.server._protocol import GRAPH_TYPES, RESULT_TYPES, ProtocolError
from g60graph.server._settings import Settings
from g60graph.sparql import _lexer as sparql_text

__all__ = [
    "STATIC",
    "TRUNCATED",
    "create_app",
    "status_for",
]

STATIC = Path(__file__).resolve().parent.parent / "render" / "static"
VENDOR = STATIC / "vendor"  # vis-network from npm (scripts/vendor-js.sh)
TRUNCATED = "X-G60-Truncated"
GZIP_MIN = 1024  # answers of this many bytes or more are gzipped for clients that take it
VIEW_KINDS = ("line", "bar", "timeline", "network", "map")  # /api/view: the renderers' data
# Where an answer just computed ran: "server" (inline, see _executor) or "worker".
RAN_HEADER = "X-G60-Ran-In"
Marks = tuple[tuple[str, str], ...]  # headers that say how an answer was made
_SLUG = re.compile(r"^[^<>\"{}|^`\\\x00-\x20]+$")  # characters an IRI may hold
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]+)?|\[[0-9A-Fa-f:.]+\](:[0-9]+)?")


def create_app(
    kg_factory: Callable[[], KnowledgeGraph] = KnowledgeGraph.load,
    settings: Settings | None = None,
    access_log: TextIO | None = None,
) -> Starlette:
    """The server app; ``kg_factory`` must be picklable (it runs in each worker).
    ``access_log``: where one JSON line per request is written (none if None)."""
    settings = settings or Settings()
    executor = Executor(
        kg_factory,
        settings.workers,
        settings.timeout,
        settings.startup_timeout,
        settings.worker_memory_mb,
        isolate=settings.isolate_workers,
        allow_network=settings.allow_network,
        queue_wait=settings.queue_wait,
        reserved=settings.reserved_workers,
        # with --endpoint (workers keep their network) the server process's copy would
        # be a second client of the remote store: inline is for the embedded stores
        inline=settings.inline_queries and not settings.enable_updates
        and settings.isolate_workers,
    )
    links = pages.Links(settings.id_base, settings.def_base)
    cache = AnswerCache(settings.answer_cache_mb << 20) if settings.answer_cache_mb else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await executor.start()
        try:
            yield
        finally:
            await executor.stop()

    # -- SPARQL ---------------------------------------------------------------

    async def sparql(request: Request) -> Response:
        body = await request.body() if request.method == "POST" else b""
        op = protocol.parse_operation(
            request.method,
            request.url.query,
            request.headers.get("content-type", ""),
            body,
        )
        if op.kind == "none":
            return await service_description(request)
        request.state.query_hash = hashlib.sha256(op.text.encode()).hexdigest()[:16]
        if op.kind == "update":
            return await do_update(request, op)
        fmt, form = query_format(op, request.headers.get("accept", ""))
        if fmt is None:
            return _not_acceptable(form)
        kept, marks = await answer_query(op, fmt, _endpoint(request.scope, request.headers))
        return _response(kept, marks)

    def query_format(op: protocol.Operation, accept: str) -> tuple[str | None, str]:
        form = sparql_text.query_form(op.text)  # an update sent as a query is refused (403)
        return protocol.choose_format(form, accept, op.params), form

    async def answer_query(op: protocol.Operation, fmt: str, base: str) -> tuple[Kept, Marks]:
        """``base``: of relative IRIs (with_base runs in the worker)."""
        key = ("query", op.text, base, tuple(op.default_graphs), tuple(op.named_graphs), fmt)
        args = (op.text, base, op.default_graphs, op.named_graphs, fmt, settings.max_rows,
                settings.max_answer_bytes)
        # the shape is read only on a miss: a 3 kB text takes far longer to read than a hit
        return await cached(key, "query", *args, shape=functools.partial(jobs.query_shape, *args))

    async def sparql_query(scope: Scope, receive: Receive, send: Send, route: ASGIApp,
                           lean: bool) -> None:
        """GET or POST /sparql with a query: what ``sparql`` does, without Starlette's
        router, request and response objects (about a third of the server process's time
        for a small query); an update or no operation goes on to ``route``. ``lean``: a
        request that sends no Origin and takes no gzip, answered outside CORSMiddleware
        and GZipMiddleware, so what they would add is added here: Vary: Origin, and Vary:
        Accept-Encoding on a body of GZIP_MIN bytes or more."""
        headers = _first_headers(scope, (b"content-type", b"accept", b"host"))
        body = b""
        if scope["method"] == "POST":
            message: Message = {"more_body": True}
            while message.get("more_body"):
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
        try:
            op = protocol.parse_operation(scope["method"], scope["query_string"].decode(),
                                          headers.get("content-type", ""), body)
            if op.kind != "query":
                await route(scope, _replay(body, receive), send)
                return
            scope.setdefault("state", {})["query_hash"] = hashlib.sha256(
                op.text.encode()).hexdigest()[:16]
            fmt, form = query_format(op, headers.get("accept", ""))
            if fmt is not None:
                kept, marks = await answer_query(op, fmt, _endpoint(scope, headers))
                await _send_answer(send, kept, marks, lean)
                return
            response = _not_acceptable(form)
        except ProtocolError as err:
            response = await _protocol_error(Request(scope), err)
        except errors.G60Error as err:
            response = await _error(Request(scope), err)
        sender: ASGIApp = response
        if lean:
            _vary_origin(response.headers)
            sender = IdentityResponder(response, GZIP_MIN)
        await sender(scope, receive, send)

    async def cached(key: tuple[Any, ...], job: str, *args: Any,
                     shape: Callable[[], jobs.Shape] | None = None) -> tuple[Kept, Marks]:
        """A query's answer: kept from an earlier run, or run now (and kept if it may be),
        with its marks: X-G60-Cache (none without a cache) and, when run now, where."""
        generation = cache.generation if cache is not None else 0
        if cache is not None:
            kept = cache.get(key)
            if kept is not None:
                return kept, ((CACHE_HEADER, "hit"),)
        inline_before = executor.inline_runs
        reply = await executor.run(job, *args, shape=shape() if shape else None)
        kept = _kept(reply, key[-1])
        marks = ((RAN_HEADER, "server" if executor.inline_runs > inline_before else "worker"),)
        if cache is None:
            return kept, marks
        if reply.cacheable:
            cache.put(key, kept, generation)
        return kept, ((CACHE_HEADER, "miss"), *marks)

    async def update_endpoint(request: Request) -> Response:
        body = await request.body()
        op = protocol.parse_operation(
            "POST", request.url.query, request.headers.get("content-type", ""), body
        )
        if op.kind != "update":
            raise ProtocolError(400, "send an update as 'update=' or application/sparql-update")
        request.state.query_hash = hashlib.sha256(op.text.encode()).hexdigest()[:16]
        return await do_update(request, op)

    async def do_update(request: Request, op: protocol.Operation) -> Response:
        if not settings.enable_updates or not settings.update_token:
            return PlainTextResponse(
                "updates are disabled: this endpoint is read-only\n", status_code=403
            )
        given = request.headers.get("authorization", "")
        expected = f"Bearer {settings.update_token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return PlainTextResponse(
                "an update needs 'Authorization: Bearer <token>'\n",
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="g60graph"'},
            )
        text = protocol.with_using(op.text, op.default_graphs, op.named_graphs)
        try:
            base = _endpoint(request.scope, request.headers)
            triples = await executor.update(protocol.with_base(text, base))
        finally:  # whatever the outcome, no answer from before it is served again
            if cache is not None:
                cache.clear()
        return PlainTextResponse(f"update applied; the dataset holds {triples} triples\n")

    async def service_description(request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if protocol.prefers_html(accept):
            return RedirectResponse("/", status_code=303)
        fmt = protocol.choose_format(
            "CONSTRUCT", accept, protocol.multi(request.query_params.multi_items())
        )
        if fmt is None:
            return _not_acceptable("CONSTRUCT")
        from g60graph.describe._service import service_description as describe

        info = await executor.run("info")
        endpoint = _endpoint(request.scope, request.headers)
        body = describe(
            endpoint, info["graphs"], info["triples"], fmt, updates=settings.enable_updates,
            timeout=settings.timeout, max_rows=settings.max_rows,
        )
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    # -- named queries ----------------------------------------------------------

    async def query_list(request: Request) -> Response:
        from g60graph.sparql._named import catalogue

        # Federated queries (SERVICE) are refused here, so they are no examples.
        packaged = resources.queries_dir()
        entries = [
            dict(q.info(), text=q.text, user=q.path is not None and q.path.parent != packaged)
            for q in catalogue().values()
            if "SERVICE" not in sparql_text.keywords(q.text)
        ]
        return JSONResponse(entries)

    async def named_query(request: Request) -> Response:
        from g60graph.sparql._named import get

        name = request.path_params["name"]
        query = get(name)
        params = {k: v for k, v in request.query_params.items() if k not in ("format", "output")}
        fmt = protocol.choose_format(
            query.form,
            request.headers.get("accept", ""),
            protocol.multi(request.query_params.multi_items()),
        )
        if fmt is None:
            return _not_acceptable(query.form)
        request.state.query_hash = hashlib.sha256(query.text.encode()).hexdigest()[:16]
        key = ("named", name, tuple(sorted(params.items())), fmt)
        kept, marks = await cached(key, "named", name, params, fmt, settings.max_rows,
                                   settings.max_answer_bytes)
        return _response(kept, marks)

    # -- Linked Data -------------------------------------------------------------

    def rdf_format(request: Request) -> str | None:
        """'html', an RDF format name, or None when nothing fits (HTML unless RDF is asked)."""
        explicit = request.query_params.get("format")
        if explicit:
            if explicit.lower() == "html":
                return "html"
            return protocol.choose_format("CONSTRUCT", "", {"format": [explicit]})
        accept = request.headers.get("accept", "") or "*/*"
        for media in protocol.ranked(accept):
            if media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
                return "html"
            fmt = protocol.negotiate(media, GRAPH_TYPES, {"application/json": "jsonld"})
            if fmt is not None:
                return fmt
        return None

    async def resource(request: Request) -> Response:
        slug = request.path_params["slug"]
        if not _SLUG.match(slug) or "\ufffd" in slug:  # U+FFFD: the path was not UTF-8
            raise _NotFoundError(f"no resource {slug!r} in this graph")
        iri = settings.id_base + slug
        fmt = rdf_format(request)
        if fmt is None:
            return _not_acceptable("CONSTRUCT")
        if fmt == "html":
            data = await executor.run("resource", iri)
            if data is None:
                raise _NotFoundError(f"no resource {iri} in this graph")
            return HTMLResponse(pages.resource_page(data, links), headers={"Vary": "Accept"})
        body = await executor.run("resource_rdf", iri, fmt)
        if body is None:
            raise _NotFoundError(f"no resource {iri} in this graph")
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    async def ontology(request: Request) -> Response:
        fmt = rdf_format(request)
        if fmt is None:
            return _not_acceptable("CONSTRUCT")
        if fmt == "html":
            data = await executor.run("ontology")
            return HTMLResponse(pages.ontology_page(data, links), headers={"Vary": "Accept"})
        body = await executor.run("ontology_rdf", fmt)
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    async def void(request: Request) -> Response:
        fmt = rdf_format(request)
        fmt = "ttl" if fmt in (None, "html") else fmt
        base = str(request.base_url)
        body = await executor.run("void", base, settings.id_base, fmt)
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    # -- the query page ------------------------------------------------------------

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "server-index.html", media_type="text/html")

    async def vendor(request: Request) -> Response:
        name = request.path_params["name"]
        media = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}
        if name not in media:  # other libraries vendored into the package, served as they are
            own = VENDOR / name
            if name.startswith(".") or not own.is_file():
                raise _NotFoundError("no such file")
            return FileResponse(own, headers={"Cache-Control": "public, max-age=86400"})
        path = VENDOR / name
        if not path.is_file():
            raise _NotFoundError("no such file")
        # Drop the source map comment: the map is not shipped, and following it would
        # make a browser's devtools ask for a file that does not exist.
        text = re.sub(
            r"^//# sourceMappingURL=.*$", "", path.read_text(encoding="utf-8"), flags=re.M
        )
        return Response(
            text,
            media_type=media[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )

    async def config(request: Request) -> Response:
        return JSONResponse(
            {
                "id_base": settings.id_base,
                "def_base": settings.def_base,
                "max_rows": settings.max_rows,
                "timeout": settings.timeout,
                "prefixes": QUERY_PREFIXES,  # predeclared in every query
            }
        )

    async def vocabulary(request: Request) -> Response:
        return JSONResponse(await executor.run("vocabulary"))

    async def entities(request: Request) -> Response:
        text = request.query_params.get("q", "").strip()
        if not 1 <= len(text) <= 100:
            raise ProtocolError(400, "q: send 1 to 100 characters of a label")
        return JSONResponse(await executor.run("entities", text))

    def page_query(request: Request) -> tuple[str | None, str | None, dict[str, str], str]:
        """The page's query (typed, or named with parameters) and language from the URL."""
        given = request.query_params
        lang = given.get("lang", "en")
        if lang not in ("en", "zh"):
            raise ProtocolError(400, "lang: en or zh")
        name, text = given.get("name"), given.get("query")
        if (name is None) == (text is None):
            raise ProtocolError(400, "send either 'query' or 'name' (with its parameters)")
        own = ("format", "kind", "lang", "name", "query")
        params = {k: v for k, v in given.items() if k not in own}
        return None if text is None else sparql_text.strip_bom(text), name, params, lang

    async def spreadsheet(request: Request) -> Response:
        fmt = request.query_params.get("format", "csv")
        if fmt not in SPREADSHEET_TYPES:
            raise ProtocolError(400, "format: csv or xlsx")
        text, name, params, lang = page_query(request)
        body = await executor.run(
            "spreadsheet", text, name, params, fmt, lang, settings.max_rows
        )
        filename = f"g60graph-{name or 'result'}.{fmt}"
        return Response(
            body,
            media_type=SPREADSHEET_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    async def bound_text(request: Request) -> Response:
        _, name, params, _lang = page_query(request)
        if name is None:
            raise ProtocolError(400, "name: send a named query's name (and its parameters)")
        return PlainTextResponse(await executor.run("bound_text", name, params))

    async def view_data(request: Request) -> Response:
        kind = request.query_params.get("kind", "line")
        if kind not in VIEW_KINDS:
            raise ProtocolError(400, f"kind: {', '.join(VIEW_KINDS)}")
        text, name, params, lang = page_query(request)
        data = await executor.run("view_data", text, name, params, kind, lang, settings.max_rows)
        return JSONResponse(data)

    async def labels(request: Request) -> Response:
        try:
            iris = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ProtocolError(400, "send a JSON list of IRIs") from None
        if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
            raise ProtocolError(400, "send a JSON list of IRIs")
        if len(iris) > 5000:
            raise ProtocolError(400, "at most 5000 IRIs per request")
        return JSONResponse(await executor.run("labels", iris))

    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"], name="sparql"),
        Route("/update", update_endpoint, methods=["POST"]),
        Route("/api/queries", query_list),
        Route("/api/config", config),
        Route("/api/labels", labels, methods=["POST"]),
        Route("/api/vocabulary", vocabulary),
        Route("/api/entities", entities),
        Route("/api/spreadsheet", spreadsheet),
        Route("/api/text", bound_text),
        Route("/api/view", view_data),
        Route("/queries/{name}", named_query),
        Route("/id/{slug:path}", resource),
        Route("/def", ontology),
        Route("/.well-known/void", void),
        Route("/static/vendor/{name}", vendor),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(Guard, limit=settings.max_request_bytes, log=access_log),
        # a query with no Origin that takes no gzip (wrk, most SPARQL clients) skips the
        # CORS and gzip layers (a tenth of the throughput on small queries)
        Middleware(_QueriesFirst, handler=sparql_query, lean=True),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            expose_headers=[TRUNCATED, CACHE_HEADER, RAN_HEADER],
        ),
        Middleware(GZipMiddleware, minimum_size=GZIP_MIN),
        Middleware(_QueriesFirst, handler=sparql_query, lean=False),
    ]
    handlers: dict[Any, Callable[..., Any]] = {
        errors.G60Error: _error,
        ProtocolError: _protocol_error,
        _NotFoundError: _not_found,
    }
    app = Starlette(
        routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers=handlers
    )
    app.router.redirect_slashes = False  # its redirects are built from the Host header
    app.state.executor = executor
    app.state.settings = settings
    return app


class _NotFoundError(Exception):
    pass


class _QueriesFirst:
    """Sends GET and POST /sparql to ``handler`` (with the rest of the app, for what it
    passes on) past Starlette's router; everything else goes on as it came. With
    ``lean``, only requests with no Origin header whose Accept-Encoding has no gzip."""

    def __init__(self, app: ASGIApp, handler: Callable[..., Any], lean: bool) -> None:
        self.app = app
        self.handler = handler
        self.lean = lean

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] in ("GET", "POST")
                and scope["path"] == scope.get("root_path", "") + "/sparql"
                and not (self.lean and _needs_layers(scope))):
            await self.handler(scope, receive, send, self.app, self.lean)
        else:
            await self.app(scope, receive, send)


def _needs_layers(scope: Scope) -> bool:
    """Whether CORSMiddleware or GZipMiddleware has work to do: an Origin header, or
    "gzip" in the first Accept-Encoding header (GZipMiddleware's test)."""
    found = _first_headers(scope, (b"origin", b"accept-encoding"))
    return "origin" in found or "gzip" in found.get("accept-encoding", "")


def _vary_origin(headers: MutableHeaders) -> None:
    """What CORSMiddleware (every origin allowed, no credentials) adds to an answer to a
    request with no Origin: the answer varies with it."""
    headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])


def _first_headers(scope: Scope, names: tuple[bytes, ...]) -> dict[str, str]:
    """The first value of each of these request headers (as Starlette's Headers.get)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in names and name.decode("latin-1") not in found:
            found[name.decode("latin-1")] = value.decode("latin-1")
    return found


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever the client sends next."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _endpoint(scope: Scope, headers: Mapping[str, str]) -> str:
    """This endpoint's URL as the client named it (its Host header, when that is a host
    name or address), built directly: Starlette's url_for walks every route."""
    host = headers.get("host", "")
    if not _HOST.fullmatch(host):
        address, port = scope.get("server") or ("localhost", None)
        host = f"[{address}]" if ":" in address else address
        host += f":{port}" if port else ""
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}/sparql"


def _kept(reply: Any, fmt: str) -> Kept:
    types = GRAPH_TYPES if reply.form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    media = types[fmt]
    if not media.startswith("application/") or media.endswith("json") or media.endswith("xml"):
        media_type = f"{media}; charset=utf-8"
    else:
        media_type = media
    return Kept(reply.body, media_type, reply.truncated)


def _response(kept: Kept, marks: Marks) -> Response:
    headers = {"Vary": "Accept", TRUNCATED: "true" if kept.truncated else "false", **dict(marks)}
    return Response(kept.body, headers=headers, media_type=kept.media_type)


async def _send_answer(send: Send, kept: Kept, marks: Marks, lean: bool) -> None:
    """What ``_response(kept, marks)`` sends, without building a Response (and with
    ``lean``, what CORSMiddleware and GZipMiddleware would add to it for a request with
    no Origin that takes no gzip)."""
    vary = b"Accept, Accept-Encoding" if lean and len(kept.body) >= GZIP_MIN else b"Accept"
    vary += b", Origin" if lean else b""
    headers = [(b"vary", vary), (b"x-g60-truncated", b"true" if kept.truncated else b"false")]
    headers += [(name.lower().encode(), value.encode()) for name, value in marks]
    headers += [(b"content-length", str(len(kept.body)).encode()),
                (b"content-type", kept.media_type.encode("latin-1"))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": kept.body})


def _not_acceptable(form: str) -> Response:
    types = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
    return PlainTextResponse(
        f"no acceptable format; this answer can be {', '.join(types.values())}\n",
        status_code=406,
    )


def status_for(err: errors.G60Error) -> int:
    if isinstance(err, QueryTimeout | WorkerCrashed | Busy | errors.AnswerTooLargeError):
        return 503
    if isinstance(err, errors.UnsafeQueryError):
        return 403
    if isinstance(err, errors.UnknownQueryError):
        return 404
    if isinstance(err, errors.InputError):
        return 400
    return 500


async def _error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, errors.G60Error)
    status = status_for(exc)
    headers = {"X-G60-Timeout": "true"} if isinstance(exc, QueryTimeout) else {}
    if isinstance(exc, Busy):
        headers["Retry-After"] = str(exc.retry_after)
    if protocol.prefers_html(request.headers.get("accept", "")) and not request.url.path.startswith(
        ("/sparql", "/queries")
    ):
        return HTMLResponse(pages.error_page(status, str(exc)), status_code=status, headers=headers)
    return PlainTextResponse(f"{exc}\n", status_code=status, headers=headers)


async def _protocol_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProtocolError)
    return PlainTextResponse(f"{exc}\n", status_code=exc.status)


async def _not_found(request: Request, exc: Exception) -> Response:
    if protocol.prefers_html(request.headers.get("accept", "")):
        return HTMLResponse(pages.error_page(404, str(exc)), status_code=404)
    return PlainTextResponse(f"{exc}\n", status_code=404)
