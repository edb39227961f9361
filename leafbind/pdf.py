"""RenderedLeaflet → print-ready, tagged PDF bytes via WeasyPrint, reading files only from the project."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import Problem, ProblemReport
from .project import MEDIA_TYPES, Project, builtin_dir
from .render import PrintDocument, RenderedLeaflet

DEFAULT_VARIANT = "pdf/ua-1"


def pdf_variants() -> list[str]:
    """The PDF variants this WeasyPrint offers (PDF/UA, PDF/A, PDF/X …)."""
    from weasyprint.pdf import VARIANTS

    return sorted(VARIANTS)


class _Reused:
    """What WeasyPrint can share between leaflets in one process: fonts, parsed stylesheets, decoded images.

    Every leaflet of a catalogue uses the same fonts and nearly the same CSS, so a batch build parses and loads
    them once per process instead of once per leaflet. The lock keeps one layout at a time per process, so a
    threaded worker (a Dask worker with several threads) never mixes up two leaflets' warnings.
    """

    build_id = None
    fonts = None
    stylesheets: dict[tuple[str, str], object] = {}
    images: dict = {}
    lock = threading.Lock()

    @classmethod
    def font_config(cls):
        if cls.fonts is None:
            from weasyprint.text.fonts import FontConfiguration

            cls.fonts = FontConfiguration()
        return cls.fonts

    @classmethod
    def stylesheet(cls, css: str, base_url: str, fetcher, problems: list[Problem], display: str):
        """The parsed stylesheet; the warnings its first parse gave are given again for each leaflet using it."""
        from weasyprint import CSS

        key = (css, base_url)
        if key in cls.stylesheets:
            parsed, warnings = cls.stylesheets[key]
            problems.extend(Problem(display, None, None, message) for message in warnings)
            return parsed
        if len(cls.stylesheets) >= 16:  # a handful of page sizes and layouts; never grows with the catalogue
            cls.stylesheets.clear()
        before = len(problems)
        parsed = CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=cls.font_config())
        cls.stylesheets[key] = parsed, [problem.message for problem in problems[before:]]
        return parsed

    @classmethod
    def forget_failed_images(cls) -> None:
        """Keep only images that loaded (a broken one must warn again), and never more than a few dozen."""
        if len(cls.images) > 64:
            cls.images.clear()
        for url in [url for url, image in cls.images.items() if image is None]:
            del cls.images[url]


def warm_up(build_id: str) -> None:
    """Start a build in this process: forget what earlier builds read (fonts, stylesheets and images may have
    been edited since; a Dask worker lives across builds), then import WeasyPrint and load the fonts now,
    rather than inside the first leaflet's PDF."""
    with _Reused.lock:
        if _Reused.build_id != build_id:
            _Reused.build_id = build_id
            _Reused.fonts = None
            _Reused.stylesheets.clear()
            _Reused.images.clear()
    _Reused.font_config()


def make_pdf(rendered: RenderedLeaflet, printed: PrintDocument, project: Project, variant: str = DEFAULT_VARIANT) -> bytes:
    """Lay out and write one layout's PDF in memory. Raises ProblemReport if WeasyPrint reports any problem.

    Nothing in the file comes from the clock or chance: dates come from the leaflet (`dcterms.created` and
    `dcterms.modified` in the layout), and /ID and XMP's DocumentID from the leaflet, edition, layout and variant.
    """
    from weasyprint import HTML

    leaflet = rendered.leaflet
    fetcher = project_fetcher(project)
    base_url = project.root.as_uri() + "/"
    identity = (f"{rendered.url or rendered.organisation}/{leaflet.slug}/edition-{leaflet.edition}/"
                f"{printed.layout.name}/{variant}")
    display = project.display(leaflet.path)
    with _Reused.lock, _captured(display) as problems, _document_id(identity):
        stylesheet = _Reused.stylesheet(printed.css, base_url, fetcher, problems, display)
        document = HTML(string=printed.html, base_url=base_url, url_fetcher=fetcher)
        data = document.write_pdf(stylesheets=[stylesheet], font_config=_Reused.font_config(), pdf_variant=variant,
                                  pdf_identifier=hashlib.md5(identity.encode()).hexdigest().encode(),
                                  uncompressed_pdf=False, cache=_Reused.images)
        _Reused.forget_failed_images()
    if problems:
        raise ProblemReport(problems)
    return data


@contextmanager
def _document_id(identity: str):
    """Make the XMP DocumentID WeasyPrint writes for PDF/X-4 a UUID of the leaflet instead of a random one.

    WeasyPrint has no option for it, and the ID is hashed into the file's /ID too, so it has to be right while
    the PDF is written: `weasyprint.pdf.metadata.uuid4` is replaced for that moment (under `_Reused.lock`).
    """
    from weasyprint.pdf import metadata

    random_uuid, metadata.uuid4 = metadata.uuid4, lambda: uuid.uuid5(uuid.NAMESPACE_URL, identity)
    try:
        yield
    finally:
        metadata.uuid4 = random_uuid


def project_fetcher(project: Project):
    """A WeasyPrint URL fetcher that reads only files inside the project or leafbind's built-in folders.

    No network, and no file:// outside those folders: a leaflet can't make the PDF embed /etc/passwd or
    call a tracking pixel. `assets/…` missing from the project falls back to the built-in assets.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [folder.resolve() for folder in project.allowed_dirs]
    project_assets = (project.root / "assets").resolve()

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme != "file":
                raise ValueError(f"{url} is not inside the project (leafbind never fetches from the network)")
            path = Path(unquote(parsed.path)).resolve()
            if not path.exists() and path.is_relative_to(project_assets):
                path = builtin_dir("assets").resolve() / path.relative_to(project_assets)
            if not any(path.is_relative_to(folder) for folder in allowed):
                raise ValueError(f"{path} is outside the project, so it was not read")
            media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media_type})

    return ProjectFetcher(allowed_protocols={"file", "data"})


class _ListHandler(logging.Handler):
    def __init__(self, display: str, problems: list[Problem]) -> None:
        super().__init__(logging.WARNING)
        self.display, self.problems = display, problems

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if "HarfBuzz-Subset" in message:
            return  # about the machine's libraries, not the leaflet: fontTools subsets the fonts instead
        self.problems.append(Problem(self.display, None, None, f"while making the PDF: {message}"))


@contextmanager
def _captured(display: str):
    """Collect WeasyPrint's warnings (missing image, bad CSS, refused file) as problems of the leaflet."""
    logger = logging.getLogger("weasyprint")
    problems: list[Problem] = []
    handler = _ListHandler(display, problems)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield problems
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
