"""publish serve: a live preview of the catalogue's web pages and handouts, for editors.

`Preview` builds the project into a temporary folder (never `dist/`): the standard PDF handout and the web
site, quality checks on. It serves `<temporary folder>/site/` over HTTP on the loopback address, watches
`leaflets/`, `layouts/`, `assets/` and `leafbind.toml`, builds again when one of them changes (the build state
in the temporary folder makes that build incremental: only what changed is made) and then tells the open
pages over server-sent events (`/__leafbind__/events`), whose injected script reloads them.

Problems never stop the preview: a leaflet with problems keeps its last good page, and every HTML page shows
the last build's problems at its top, each as `file:line: field: message`; a bad leafbind.toml is shown the
same way. Fixing the file builds the leaflet again.

Only files inside the served folder can be reached: a request's path is decoded once, and a `..` segment, a
backslash, a NUL or an absolute path is refused; the file's real path (symbolic links followed) must lie
inside the served folder's. Anything else gets 404.
"""

from __future__ import annotations

import html
import ipaddress
import os
import re
import socket
import socketserver
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from .build import BuildOptions, build_catalogue
from .errors import LeafbindError, ProblemReport, plural
from .layouts import STANDARD
from .output import FileFault
from .paths import display
from .project import Project, open_project
from .site import SITE
from .workers import LOCAL, Local

WATCHED = ("leaflets", "layouts", "assets")  # folders of the project watched, with leafbind.toml
SETTINGS = "leafbind.toml"
EVENTS = "/__leafbind__/events"  # the reload channel: server-sent events
KEEP_ALIVE = 15.0  # seconds between comments on an idle reload channel, so that proxies keep it open
WATCH_STEP_MS = 50  # quiet time after a change before the watcher reports it (an editor's save is several)
WATCH_TIMEOUT_MS = 200  # a watcher with nothing to report says so this often; the first time, it is ready

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
    ".atom": "application/atom+xml", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
    ".epub": "application/epub+zip", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
}

RELOAD_SCRIPT = """<script>
(function () {{
  var events = new EventSource("{events}?since={count}");
  events.addEventListener("reload", function () {{ events.close(); location.reload(); }});
}})();
</script>
"""

BANNER = """<div role="alert" style="margin:0;padding:1rem 1.25rem;background:#fdecea;color:#1d1d1d;\
border-bottom:4px solid #a4161a;font:1rem/1.5 system-ui,sans-serif">
<p style="margin:0 0 .5rem;font-weight:bold">Preview: {heading}</p>
<ul style="margin:0;padding-left:1.25rem">{items}</ul>
</div>
"""

NOT_FOUND = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Not found</title></head>
<body>
<h1>Not found</h1>
<p>Nothing in the preview is at this address. <a href="/">Go to the catalogue</a>.</p>
<p>While the first build is running, this page reloads by itself when it is done.</p>
</body>
</html>
"""

BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Built:
    """What one build of the preview did, for the terminal: its number, the leaflets made, every problem."""

    count: int
    built: tuple[str, ...]
    problems: tuple[str, ...]  # each as file:line: field: message
    seconds: float


class Preview:
    """The live preview of the project in folder `root`: `start()` builds and serves it; `stop()`, or leaving
    a `with` block, stops watching and serving and removes the temporary folder.

    `port` 0 takes any free port (`port` says which after `start`). `jobs` is how many processes make the
    leaflets of the first build; later builds make the few leaflets that changed in this process, where
    WeasyPrint is already loaded. `on_build` is told of each build as it ends.
    """

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, jobs: int = 1,
                 on_build: Callable[[Built], None] | None = None) -> None:
        self.root, self.host, self.jobs, self.on_build = Path(root).resolve(), host, jobs, on_build
        self.port = port
        self.count = 0  # builds done; the reload channel announces each
        self.problems: tuple[str, ...] = ()  # the last build's, each as file:line: field: message
        self.folder: Path | None = None  # the temporary output folder, while running
        self._temporary: tempfile.TemporaryDirectory | None = None
        self._project: Project | None = None
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._changed: set[Path] = set()  # paths changed since the last build began, from the watchers
        self._wake = threading.Event()  # set when a change (or stop) needs the builder
        self._announce = threading.Condition()  # notified after each build and on stop

    @property
    def site(self) -> Path | None:
        """The folder served: the site in the temporary folder."""
        return self.folder / SITE if self.folder else None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def loopback(self) -> bool:
        """Whether the preview can be reached only from this machine."""
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"

    def start(self) -> None:
        """Make the temporary folder, take the port, build everything once, then serve and watch.

        Raises OSError when the port can't be had (in use, or another program's). Ctrl-C during the first
        build stops it (BuildStopped); call `stop()` then, as always.
        """
        self._temporary = tempfile.TemporaryDirectory(prefix="leafbind-preview-")
        self.folder = Path(self._temporary.name)
        self._server = _Server(self)  # bound now: requests wait in its queue until it serves
        self.port = self._server.server_address[1]
        # The first build runs before any thread starts, so that its worker processes fork a process that
        # has only one thread.
        self._build(reopen=True, executor=Local(self.jobs))
        self._thread("serve", self._server.serve_forever, 0.2)
        watchers = [(self.root / folder, True, None) for folder in WATCHED if (self.root / folder).is_dir()]
        watchers.append((self.root, False, lambda change, path: Path(path).name == SETTINGS))
        ready = [threading.Event() for _ in watchers]
        for (folder, recursive, only), watching in zip(watchers, ready, strict=True):
            self._thread(f"watch {SETTINGS if only else folder.name}", self._watch, folder, recursive, only,
                         watching)
        self._thread("build", self._rebuild_on_change)
        for watching in ready:  # a save from now on is seen: the caller may announce that it serves
            watching.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self.folder is not None and not self._stopping.is_set()

    def wait(self) -> None:
        """Serve until `stop()` is called from another thread, or Ctrl-C."""
        while not self._stopping.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching, building and serving (each reload channel ends), and remove the temporary folder."""
        self._stopping.set()
        self._wake.set()
        with self._announce:
            self._announce.notify_all()
        if self._server is not None:
            if any(thread.name == "preview: serve" for thread in self._threads):
                self._server.shutdown()  # waits for serve_forever, so only once it was started
            self._server.server_close()
            self._server = None
        for thread in self._threads:
            thread.join(timeout=30)  # a build under way ends first
        self._threads = []
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = self.folder = None

    def __enter__(self) -> Preview:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _thread(self, name: str, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, name=f"preview: {name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    # --- Watching and building ------------------------------------------------------------------------------

    def _watch(self, folder: Path, recursive: bool, only, ready: threading.Event) -> None:
        """Collect the changed paths under `folder` for the builder until the preview stops. `ready` is set
        once the watcher is in place (its first report, empty after WATCH_TIMEOUT_MS, or of a change)."""
        import watchfiles  # here: the other commands don't need it

        kind = {} if only is None else {"watch_filter": only}
        for changes in watchfiles.watch(folder, recursive=recursive, stop_event=self._stopping,
                                        step=WATCH_STEP_MS, rust_timeout=WATCH_TIMEOUT_MS,
                                        yield_on_timeout=True, raise_interrupt=False, **kind):
            ready.set()
            if not changes:
                continue
            with self._announce:
                self._changed.update(Path(path) for _, path in changes)
            self._wake.set()

    def _rebuild_on_change(self) -> None:
        """Build again after each change the watchers report, until the preview stops. Changes made during a
        build bring another build right after it."""
        while True:
            self._wake.wait()
            if self._stopping.is_set():
                return
            self._wake.clear()
            with self._announce:
                changed, self._changed = self._changed, set()
            leaflets = self.root / "leaflets"
            self._build(reopen=any(not path.is_relative_to(leaflets) for path in changed))

    def _build(self, reopen: bool, executor: Local | None = None) -> None:
        """Build the standard handouts and the site into the temporary folder, then announce the build.

        The project is opened again (leafbind.toml read, layouts found) when `reopen`, or when the last
        opening failed. Whatever goes wrong becomes a problem shown on the pages: the preview goes on.
        """
        started, built, problems = time.perf_counter(), (), ()
        try:
            if reopen or self._project is None:
                self._project = None
                self._project = open_project(self.root)
            options = BuildOptions.resolve(self._project, out_dir=self.folder, formats=("pdf", SITE),
                                           layouts=(STANDARD,), executor=executor or LOCAL)
            result = build_catalogue(self._project, options)
            built, problems = result.built, tuple(str(problem) for problem in result.problems)
        except ProblemReport as report:
            problems = tuple(str(problem) for problem in report.problems)
        except FileFault as fault:
            problems = (str(fault.problem(lambda path: display(self.root, path))),)
        except LeafbindError as error:
            problems = (str(error),)
        except Exception as error:  # noqa: BLE001 (a fault of leafbind itself: shown, and the preview goes on)
            traceback.print_exc(file=sys.stderr)
            problems = (f"the preview's build failed: {error!r} (the traceback is in the terminal)",)
        with self._announce:
            self.count += 1
            self.problems = problems
            self._announce.notify_all()
        if self.on_build is not None:
            self.on_build(Built(self.count, tuple(built), problems, time.perf_counter() - started))

    def wait_for_build(self, seen: int, timeout: float) -> int:
        """The build count once it is above `seen`, or as it is after `timeout` seconds or on stop."""
        with self._announce:
            self._announce.wait_for(lambda: self.count > seen or self._stopping.is_set(), timeout)
            return self.count

    # --- Serving --------------------------------------------------------------------------------------------

    def decorate(self, page: bytes, count: int) -> bytes:
        """An HTML page with the reload script before `</body>` and, when the last build had problems, a
        banner listing them at the top of `<body>`."""
        script = RELOAD_SCRIPT.format(events=EVENTS, count=count).encode()
        ends = list(BODY_END.finditer(page))
        page = page[:ends[-1].start()] + script + page[ends[-1].start():] if ends else page + script
        problems = self.problems
        if problems:
            heading = (f"{plural(len(problems), 'problem')} in the last build. A leaflet with problems shows "
                       "its last good version until they are fixed.")
            items = "".join(f"<li><code>{html.escape(problem)}</code></li>" for problem in problems)
            banner = BANNER.format(heading=html.escape(heading), items=items).encode()
            start = BODY_START.search(page)
            page = page[:start.end()] + banner + page[start.end():] if start else banner + page
        return page


def served_path(root: Path, request_path: str) -> Path | None:
    """The file or folder that a request's path names inside the served folder `root` (a real path), or None
    for anything else: a path decoded once that holds a NUL, a backslash or a `..` segment, or is absolute
    after its leading slash, or whose real path (symbolic links followed) is outside `root`, or is missing."""
    path = unquote(request_path.split("?", 1)[0].split("#", 1)[0])
    if not path.startswith("/") or path.startswith("//") or "\0" in path or "\\" in path:
        return None
    parts = path[1:].split("/")
    if ".." in parts:
        return None
    try:
        found = Path(os.path.realpath(root.joinpath(*parts)))
        inside = found == root or found.is_relative_to(root)
        return found if inside and found.exists() else None
    except (OSError, ValueError):  # a name too long for the system, …
        return None


class _Server(ThreadingHTTPServer):
    """The preview's HTTP server: a thread per request, bound to the preview's host and port."""

    daemon_threads = True

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.address_family = socket.AF_INET6 if ":" in preview.host else socket.AF_INET
        super().__init__((preview.host, preview.port), _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's look-up of the host's name, which may wait on a name server."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        """A browser that goes away mid-answer is no error; anything else is shown on the terminal."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD: a file of the served folder, the reload channel, or 404."""

    server: _Server
    server_version = "leafbind-preview"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format, *args) -> None:
        """Requests are not logged: the terminal shows the builds."""

    def _answer(self, body: bool) -> None:
        preview = self.server.preview
        path, _, query = self.path.partition("?")
        if path == EVENTS:
            self._events(query, body)
            return
        count = preview.count  # before reading the page: a build ending meanwhile then reloads it
        site = preview.site
        found = served_path(Path(os.path.realpath(site)), self.path) if site and site.is_dir() else None
        if found is not None and found.is_dir():
            if not path.endswith("/"):  # relative links in the page must start from the folder
                self._send(301, b"", "text/plain", body, {"Location": path + "/"})
                return
            found = served_path(Path(os.path.realpath(site)), path + "index.html")
        if found is None or not found.is_file():
            self._send(404, preview.decorate(NOT_FOUND.encode(), count), CONTENT_TYPES[".html"], body)
            return
        data = found.read_bytes()
        kind = CONTENT_TYPES.get(found.suffix.lower(), "application/octet-stream")
        if found.suffix.lower() == ".html":
            data = preview.decorate(data, count)
        self._send(200, data, kind, body)

    def _send(self, status: int, data: bytes, kind: str, body: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": kind, "Content-Length": str(len(data)), "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _events(self, query: str, body: bool) -> None:
        """The reload channel: `event: reload` after each build later than `since` (the count the page was
        served at; default: now), a comment every KEEP_ALIVE seconds, until the client goes or the preview
        stops."""
        preview = self.server.preview
        self.send_response(200)
        for name, value in (("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")):
            self.send_header(name, value)
        self.end_headers()
        if not body:
            return
        since = parse_qs(query).get("since", [""])[0] or self.headers.get("Last-Event-ID", "")
        seen = int(since) if since.isdigit() else preview.count
        if seen > preview.count:  # a page of an earlier preview, still open: reload it now
            seen = 0
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while preview.running:
                count = preview.wait_for_build(seen, KEEP_ALIVE)
                if not preview.running:
                    return
                if count > seen:
                    self.wfile.write(f"event: reload\nid: {count}\ndata: {count}\n\n".encode())
                    seen = count
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (OSError, ValueError):  # the page was closed or reloaded, or the preview stopped
            return
