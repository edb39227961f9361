"""`publish serve`, the live preview: a real server in a subprocess (`publish serve --port 0`) on a copy of
the `clinic` scenario, driven over HTTP on the loopback address.

The tests of one module-wide server run in file order and each leaves the project as it found it. Every wait
has a time limit: reading the server's output, the reload channel (server-sent events) and each request.
"""

from __future__ import annotations

import http.client
import io
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, copy_scenario, edit, line_of
from pypdf import PdfReader

from leafbind import Preview
from publish import cli

START_SECONDS = 60  # Python start-up and the first build of two leaflets: a few seconds on 2 cores
RELOAD_SECONDS = 5  # from saving a file to the reload event (the limit)
REQUEST_SECONDS = 10


class Server:
    """`publish serve --port 0` on a project, in a subprocess: its URL, port, temporary folder and output."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "publish.py"), "serve", "--port", "0", "--project", str(root), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        serving = self.wait_for_line(r"^Serving .* at (http://(\S+):(\d+)/) \(Ctrl-C to stop\)$",
                                     START_SECONDS)
        self.url, self.host, self.port = serving[1], serving[2], int(serving[3])
        self.folder = Path(self.wait_for_line(r"^Preview files: (\S+) ", REQUEST_SECONDS)[1])

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, seconds: float) -> re.Match:
        """The first line of output from now on matching `pattern`."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.output.append(line)
            if found := re.search(pattern, line):
                return found
        shown = "\n".join(self.output)
        raise AssertionError(f"no line matching {pattern!r} in {seconds} s; output:\n{shown}")

    def request(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body, with the path sent exactly as given."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_SECONDS)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def page(self, path: str) -> str:
        status, headers, body = self.request(path)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8"), (path, status)
        return body.decode()

    def events(self) -> Events:
        return Events(self.host, self.port)

    def stop(self, sign: int = signal.SIGINT) -> int:
        """Send `sign` (Ctrl-C), wait for the exit status, and collect the rest of the output."""
        if self.process.poll() is None:
            self.process.send_signal(sign)
        try:
            code = self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
        time.sleep(0.1)  # the reader thread takes the last lines
        while not self.lines.empty():
            self.output.append(self.lines.get_nowait())
        return code


class Events:
    """The reload channel, read from a raw socket with a time limit on every read."""

    def __init__(self, host: str, port: int) -> None:
        self.socket = socket.create_connection((host, port), timeout=REQUEST_SECONDS)
        self.socket.sendall(b"GET /__leafbind__/events HTTP/1.1\r\nHost: preview\r\n\r\n")
        self.data = b""
        self._until(b"retry: ", REQUEST_SECONDS)  # the channel is open: a build from now on is announced
        assert self.data.startswith(b"HTTP/1.0 200 OK\r\n")
        assert b"Content-Type: text/event-stream\r\n" in self.data

    def _until(self, text: bytes, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {text!r} in {seconds} s on the reload channel: {self.data!r}")
            self.socket.settimeout(left)
            try:
                chunk = self.socket.recv(4096)
            except TimeoutError:
                continue
            assert chunk, f"the reload channel closed: {self.data!r}"
            self.data += chunk

    def reload(self, seconds: float = RELOAD_SECONDS) -> int:
        """Wait for the next `event: reload`; its build number."""
        self._until(b"event: reload\n", seconds)
        event, _, self.data = self.data.partition(b"event: reload\n")
        rest, _, self.data = self.data.partition(b"\n\n")
        return int(re.search(rb"data: (\d+)", rest)[1])

    def close(self) -> None:
        self.socket.close()


def changed(server: Server, action, ready) -> float:
    """Do `action` (a save), then wait for reload events until `ready()` holds; the seconds from the save to
    that event, which must be within RELOAD_SECONDS."""
    events = server.events()
    try:
        saved = time.monotonic()
        action()
        while True:
            events.reload(max(0.0, saved + RELOAD_SECONDS - time.monotonic()))
            if ready():
                return time.monotonic() - saved
    finally:
        events.close()


def pdf_text(server: Server, page_path: str) -> str:
    """The text of the standard handout the leaflet's page links to, as served."""
    link = re.search(r'href="([^"]+-ed\d+\.pdf)"', server.page(page_path))[1]
    status, headers, body = server.request(page_path.rsplit("/", 1)[0] + "/" + link)
    assert (status, headers["Content-Type"]) == (200, "application/pdf")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = copy_scenario("clinic", tmp_path_factory.mktemp("serve") / "clinic", layouts=("standard",))
    running = Server(root)
    yield running
    code = running.stop()
    assert code == 0, "\n".join(running.output)
    assert not any("Traceback" in line for line in running.output), "\n".join(running.output)
    assert not (root / "dist").exists()


LEAFLET = "/hay-fever/index.html"


def test_serves_the_catalogue_on_loopback_only(server: Server) -> None:
    assert server.host == "127.0.0.1"
    catalogue = server.page("/")
    assert 'href="hay-fever/index.html"' in catalogue and 'href="ankle-sprain/index.html"' in catalogue
    assert "<h1>Living with hay fever</h1>" in server.page(LEAFLET)
    assert 'new EventSource("/__leafbind__/events?since=' in catalogue and 'role="alert"' not in catalogue
    with pytest.raises(OSError):  # bound to 127.0.0.1, not to every address: another loopback address fails
        socket.create_connection(("127.0.0.2", server.port), timeout=REQUEST_SECONDS).close()
    assert not (server.root / "dist").exists()


def test_an_edit_reloads_the_page_and_its_pdf(server: Server) -> None:
    leaflet = server.root / "leaflets" / "hay-fever.md"
    seconds = changed(server,
                      lambda: edit(leaflet, "title: Living with hay fever", "title: Coping with hay fever"),
                      lambda: "<h1>Coping with hay fever</h1>" in server.page(LEAFLET))
    assert seconds < RELOAD_SECONDS
    assert "Coping with hay fever" in pdf_text(server, LEAFLET)
    assert "Coping with hay fever" in server.page("/")
    changed(server, lambda: edit(leaflet, "title: Coping with hay fever", "title: Living with hay fever"),
            lambda: "<h1>Living with hay fever</h1>" in server.page(LEAFLET))


def test_problems_are_shown_and_the_leaflet_comes_back_when_fixed(server: Server) -> None:
    leaflet = server.root / "leaflets" / "hay-fever.md"
    line = line_of(leaflet, "published: 2026-06-02")
    message = f"leaflets/hay-fever.md:{line}: published: &quot;2026-06-31&quot; is not a date"
    changed(server, lambda: edit(leaflet, "published: 2026-06-02", "published: 2026-06-31"),
            lambda: message in server.page(LEAFLET))
    page = server.page(LEAFLET)
    banner = page[page.index('<div role="alert"'):]
    assert page.index('<div role="alert"') < page.index("<h1>") and message in banner[:banner.index("</div>")]
    assert "<h1>Living with hay fever</h1>" in page  # the last good page stays
    assert message in server.page("/")  # on every page, and the server still answers
    status, _, body = server.request("/hay-fever/no-such-file.html")
    assert status == 404 and message in body.decode()
    server.wait_for_line("^  " + re.escape(message.replace("&quot;", '"')), REQUEST_SECONDS)  # terminal too

    def fix() -> None:
        edit(leaflet, "published: 2026-06-31", "published: 2026-06-02")
        edit(leaflet, "title: Living with hay fever", "title: Hay fever at home")
    changed(server, fix, lambda: "<h1>Hay fever at home</h1>" in server.page(LEAFLET))
    assert 'role="alert"' not in server.page(LEAFLET) and 'role="alert"' not in server.page("/")
    assert "Hay fever at home" in pdf_text(server, LEAFLET)
    changed(server, lambda: edit(leaflet, "title: Hay fever at home", "title: Living with hay fever"),
            lambda: "<h1>Living with hay fever</h1>" in server.page(LEAFLET))


def test_a_bad_leafbind_toml_is_shown_until_fixed(server: Server) -> None:
    settings = server.root / "leafbind.toml"
    good = settings.read_text("utf-8")

    def save(text: str) -> None:  # as many editors save: a new file renamed over the old one
        (server.root / "leafbind.toml.new").write_text(text, "utf-8")
        os.replace(server.root / "leafbind.toml.new", settings)

    changed(server, lambda: save(good.replace('page_size = "a4"', 'page_size = "a5"')),
            lambda: "leafbind.toml:" in server.page("/"))
    page = server.page("/")
    assert re.search(r'<div role="alert".*<code>leafbind\.toml:\d+: page_size: ', page, re.DOTALL)
    changed(server, lambda: save(good), lambda: 'role="alert"' not in server.page("/"))


def test_the_open_page_reloads_itself_in_a_browser(server: Server, browser) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def heading(driver) -> str:
        return driver.find_element(By.TAG_NAME, "h1").text

    def banner(driver) -> str:
        return " ".join(element.text for element in driver.find_elements(By.CSS_SELECTOR, '[role="alert"]'))

    def wait(until) -> None:  # an element read while the page reloads is stale: read it again
        stale = (StaleElementReferenceException,)
        WebDriverWait(browser, RELOAD_SECONDS, ignored_exceptions=stale).until(until)

    leaflet = server.root / "leaflets" / "hay-fever.md"
    good = leaflet.read_text(encoding="utf-8")
    line = line_of(leaflet, "published: 2026-06-02")
    browser.get(server.url + LEAFLET.lstrip("/"))
    assert heading(browser) == "Living with hay fever"
    browser.execute_script("window.notReloaded = true;")
    try:
        edit(leaflet, "published: 2026-06-02", "published: 2026-06-31")
        wait(banner)
        assert f'leaflets/hay-fever.md:{line}: published: "2026-06-31" is not a date' in banner(browser)
        assert browser.execute_script("return window.notReloaded === undefined;")
        edit(leaflet, "published: 2026-06-31", "published: 2026-06-02")
        edit(leaflet, "title: Living with hay fever", "title: Hay fever in the garden")
        wait(lambda page: heading(page) == "Hay fever in the garden")
        wait(lambda page: banner(page) == "")
    finally:
        browser.get("about:blank")  # closes the page's reload channel
        # the project as it was, for the next tests, whatever happened above
        changed(server, lambda: leaflet.write_text(good, encoding="utf-8"),
                lambda: "<h1>Living with hay fever</h1>" in server.page(LEAFLET))


@pytest.mark.parametrize("path", [
    "/../leaflets/hay-fever.md", "/%2e%2e/leaflets/hay-fever.md", "/%2E%2E/leaflets/hay-fever.md",
    "/%2e%2e%2fleaflets/hay-fever.md", "/..%2fleaflets/hay-fever.md", "/..%2F..%2F..%2Fetc/passwd",
    "/hay-fever/../../leaflets/hay-fever.md", "/hay-fever/%2e%2e/%2e%2e/leaflets/hay-fever.md",
    "/..\\leaflets\\hay-fever.md", "/hay-fever/..%5c..%5cleafbind.toml", "//etc/passwd", "/%2Fetc/passwd",
    "/%2fetc/passwd", "/etc/passwd", "/index.html%00.pdf", "/../../../../../../etc/passwd",
    "/%252e%252e/leaflets/hay-fever.md", "../leaflets/hay-fever.md", "/" + "a" * 5000,
    # refused even where they would stay inside (http.server itself folds a leading "//" into "/")
    "/hay-fever/../index.html", "/hay-fever/%2e%2e/index.html", "/%2findex.html", "/%2F%2Findex.html",
])
def test_no_path_leads_out_of_the_served_folder(server: Server, path: str) -> None:
    status, headers, body = server.request(path)
    assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8"), path
    assert b"<h1>Not found</h1>" in body and b"root:" not in body and b"title:" not in body


def test_symbolic_links_out_of_the_served_folder_are_refused(server: Server) -> None:
    site = server.folder / "site"
    links = {site / "hay-fever" / "source.md": server.root / "leaflets" / "hay-fever.md",
             site / "system": Path("/etc"), site / "up": Path(".."),
             site / "style-link.css": site / "site.css"}  # the last stays inside: fine
    for link, target in links.items():
        link.symlink_to(target)
    try:
        for path in ("/hay-fever/source.md", "/system/passwd", "/system/", "/up/manifest.json", "/up/"):
            assert server.request(path)[0] == 404, path
        status, headers, body = server.request("/style-link.css")
        assert (status, headers["Content-Type"]) == (200, "text/css; charset=utf-8")
        assert body == (site / "site.css").read_bytes()
    finally:
        for link in links:
            link.unlink()


def test_content_types_lengths_head_and_folders(server: Server) -> None:
    status, headers, body = server.request("/")
    assert headers["Content-Length"] == str(len(body)) and headers["Cache-Control"] == "no-store"
    status, head, nothing = server.request("/", "HEAD")
    assert (status, nothing, head["Content-Length"]) == (200, b"", headers["Content-Length"])
    types = {"/site.css": "text/css; charset=utf-8", "/assets/search.js": "text/javascript; charset=utf-8",
             "/assets/logos/millbrook.svg": "image/svg+xml", "/feed.atom": "application/atom+xml",
             "/opds.xml": "application/xml", "/hay-fever/hay-fever-ed1.pdf": "application/pdf",
             "/assets/fonts/AtkinsonHyperlegible-Regular.ttf": "font/ttf"}
    for path, kind in types.items():
        status, headers, body = server.request(path)
        assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, kind, "no-store"), path
        assert int(headers["Content-Length"]) == len(body) > 0
        assert body == (server.folder / "site" / path.lstrip("/")).read_bytes(), path  # not decorated
    status, headers, _ = server.request("/hay-fever")
    assert (status, headers["Location"]) == (301, "/hay-fever/")
    assert "<h1>Living with hay fever</h1>" in server.page("/hay-fever/")
    assert server.request("/", "POST")[0] == 501


def test_a_closed_reload_channel_is_no_error(server: Server) -> None:
    for _ in range(3):
        server.events().close()
    leaflet = server.root / "leaflets" / "ankle-sprain.md"
    changed(server, lambda: edit(leaflet, "title: Sprained ankle", "title: A sprained ankle"),
            lambda: "<h1>A sprained ankle</h1>" in server.page("/ankle-sprain/"))
    changed(server, lambda: edit(leaflet, "title: A sprained ankle", "title: Sprained ankle"),
            lambda: "<h1>Sprained ankle</h1>" in server.page("/ankle-sprain/"))
    # the module's fixture checks, when the server stops, that no traceback was ever printed


def test_ctrl_c_stops_it_and_removes_the_temporary_folder(scenario) -> None:
    root = scenario("minimal")
    server = Server(root)
    assert server.folder.is_dir() and "<h1>Washing your hands</h1>" in server.page("/hand-washing/")
    events = server.events()
    try:
        assert server.stop(signal.SIGINT) == 0, "\n".join(server.output)
    finally:
        events.close()
    assert "Stopped the preview (Ctrl-C)." in server.output
    assert not server.folder.exists() and not (root / "dist").exists()
    assert not any("Traceback" in line for line in server.output), "\n".join(server.output)


def test_a_port_in_use_is_a_usage_error(scenario) -> None:
    root = scenario("minimal")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--project", str(root)])
    assert result.exit_code == 2 and f"port {port} is in use" in result.output, result.output
    result = CliRunner().invoke(cli, ["serve", "--port", "65536", "--project", str(root)])
    assert result.exit_code == 2 and "65536" in result.output
    assert not (root / "dist").exists()


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
    ("::", False), ("192.0.2.7", False), ("example.org", False),
])
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    assert Preview(REPO, host=host).loopback is loopback  # nothing is bound until start()
