"""RenderedLeaflet → print-ready, tagged PDF bytes via WeasyPrint, reading files only from the project."""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import Problem, ProblemReport
from .project import MEDIA_TYPES, Project, builtin_dir
from .render import RenderedLeaflet

DEFAULT_VARIANT = "pdf/ua-1"


def pdf_variants() -> list[str]:
    """The PDF variants this WeasyPrint offers (PDF/UA, PDF/A, PDF/X …)."""
    from weasyprint.pdf import VARIANTS

    return sorted(VARIANTS)


class _Fonts:
    """One WeasyPrint font configuration per process: fonts and their caches are reused across leaflets."""

    config = None

    @classmethod
    def get(cls):
        if cls.config is None:
            from weasyprint.text.fonts import FontConfiguration

            cls.config = FontConfiguration()
        return cls.config


def make_pdf(rendered: RenderedLeaflet, project: Project, variant: str = DEFAULT_VARIANT) -> bytes:
    """Lay out and write the PDF in memory. Raises ProblemReport if WeasyPrint reports any problem."""
    from weasyprint import CSS, HTML

    leaflet = rendered.leaflet
    fetcher = project_fetcher(project)
    base_url = project.root.as_uri() + "/"
    with _captured(project.display(leaflet.path)) as problems:
        fonts = _Fonts.get()
        stylesheet = CSS(string=rendered.print_css, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
        document = HTML(string=rendered.print_html, base_url=base_url, url_fetcher=fetcher)
        # /ID comes from the leaflet, not from the clock, so the same source gives the same file.
        identifier = hashlib.md5(f"{leaflet.slug}/{leaflet.edition}".encode()).hexdigest().encode()
        data = document.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_variant=variant,
                                  pdf_identifier=identifier, uncompressed_pdf=False)
    if problems:
        raise ProblemReport(problems)
    return data


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
