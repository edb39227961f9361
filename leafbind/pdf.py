"""RenderedLeaflet → print-ready, tagged PDF bytes via WeasyPrint, reading only the files the asset gate
checked, then finished (finishing.py): artifacts marked, and a PDF/X file given its output intent, bleed and
crop marks."""

from __future__ import annotations

import calendar
import hashlib
import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import date
from urllib.parse import unquote

from .assets import asset_bytes
from .errors import Problem, ProblemReport
from .finishing import OutputIntent, finish, profile_description
from .model import Asset
from .paths import builtin_dir
from .project import Project
from .render import HEADINGS, TEXT_BLOCKS, BlockRef, PageStart, PrintDocument, RenderedLeaflet, fold

DEFAULT_VARIANT = "pdf/ua-1"
# The documents' base URL: the same wherever the project sits, so nothing WeasyPrint derives from a URL (it
# names images by a hash of theirs) depends on the folder. Every file under it is served from the checked
# assets.
BASE_URL = "file:///leafbind/"
FONT_EPOCH = 2082844800  # seconds from 1904-01-01, the epoch of a font's `head` dates, to 1970-01-01
# The press PDF's printing condition unless leafbind.toml names the print shop's (`[press] output_profile`):
# offset on grade 1 coated paper, the CGATS TR 006 characterisation (GRACoL 2006), a registered condition
# (assets/profiles/README.md says how the profile was made from its data, and its licence).
BUILTIN_PROFILE = "profiles/cgats-tr006-coated.icc"
BUILTIN_CONDITION = "CGATS TR 006"
BUILTIN_INFO = ("GRACoL 2006 Coated #1: offset on grade 1 coated paper (ISO 12647-2 paper type 1), "
                "characterisation data CGATS TR 006")


def pdf_variants() -> list[str]:
    """The PDF variants this WeasyPrint offers (PDF/UA, PDF/A, PDF/X …)."""
    from weasyprint.pdf import VARIANTS

    return sorted(VARIANTS)


class _Reused:
    """What WeasyPrint can share between leaflets in one process: fonts, parsed stylesheets, decoded images.

    Every leaflet of a catalogue uses the same fonts and nearly the same CSS, so a batch build parses and
    loads them once per process instead of once per leaflet. The lock keeps one layout at a time per process,
    so a threaded worker (a Dask worker with several threads) never mixes up two leaflets' warnings.
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
        """The parsed stylesheet; the warnings its first parse gave are given again for each leaflet using
        it."""
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


def make_pdf(rendered: RenderedLeaflet, printed: PrintDocument, project: Project,
             variant: str = DEFAULT_VARIANT) -> bytes:
    """Lay out and write one layout's PDF in memory. Raises ProblemReport if WeasyPrint reports any
    problem."""
    return make_pdf_and_pages(rendered, printed, project, variant, pages=False)[0]


def make_pdf_and_pages(rendered: RenderedLeaflet, printed: PrintDocument, project: Project,
                       variant: str = DEFAULT_VARIANT,
                       pages: bool = True) -> tuple[bytes, tuple[PageStart, ...]]:
    """Lay out and write one layout's PDF in memory, and where each of its pages begins (`page_starts`) when
    `pages`. Raises ProblemReport if WeasyPrint reports any problem.

    Nothing in the file comes from the clock, chance or the machine: dates come from the leaflet
    (`dcterms.created` and `dcterms.modified` in the layout, and the fonts' `head` dates), /ID and XMP's
    DocumentID from the leaflet, edition, layout and variant, and URLs from BASE_URL, not the project's
    folder.
    """
    from weasyprint import HTML

    leaflet = rendered.leaflet
    fetcher = asset_fetcher(rendered.assets)
    identity = (f"{rendered.url or rendered.organisation}/{leaflet.slug}/edition-{leaflet.edition}/"
                f"{printed.layout.name}/{variant}")
    display = project.display(leaflet.path)
    with _Reused.lock, _captured(display) as problems, _document_id(identity), \
            _reproducible_fonts(leaflet.last_changed):
        stylesheet = _Reused.stylesheet(printed.css, BASE_URL, fetcher, problems, display)
        options = dict(stylesheets=[stylesheet], pdf_variant=variant, pdf_tags=True,  # PDF/X tagged too
                       pdf_identifier=hashlib.md5(identity.encode()).hexdigest().encode(),
                       uncompressed_pdf=False, cache=_Reused.images)
        document = HTML(string=printed.html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=_Reused.font_config(), **options)
        data = document.write_pdf(**options)
        _Reused.forget_failed_images()
    if problems:
        raise ProblemReport(problems)
    starts = page_starts(document) if pages else ()
    if not variant.startswith("pdf/x"):
        return finish(data), starts
    return finish(data, output_intent(project), _srgb_profile()), starts


def page_starts(document) -> tuple[PageStart, ...]:
    """Where each page of a laid-out document begins: the first blocks of text on it (running heads and
    footers left out), and the words it begins with when it continues a block from the page before."""
    from weasyprint.formatting_structure import boxes

    def lines(box, block=None):
        """(block element, text) of each piece of text in the box, in reading order."""
        if isinstance(box, boxes.MarginBox) or "::" in (box.element_tag or ""):  # running heads, markers
            return
        if isinstance(box, boxes.BlockContainerBox) and _tag(box.element) in TEXT_BLOCKS:
            block = box.element
        if isinstance(box, boxes.TextBox):
            if block is not None and box.text.strip():
                yield block, box.text
            return
        for child in getattr(box, "children", ()):
            yield from lines(child, block)

    printed: dict[int, int] = {}  # id(block element) → characters of it printed on earlier pages
    refs: dict[int, BlockRef] = {}  # id(block element) → how the e-book finds it
    counts: dict[tuple[str, bool], int] = {}
    starts = []
    for number, page in enumerate(document.pages, start=1):
        found, words, skipped, seen = [], "", 0, []
        for element, text in lines(page._page_box):
            key = id(element)
            if key not in refs:
                signature = (fold("".join(element.itertext())), _tag(element) in HEADINGS)
                refs[key] = BlockRef(*signature, counts.get(signature, 0))
                counts[signature] = counts.get(signature, 0) + 1
            if not found:
                skipped = printed.get(key, 0)
                words = " ".join(text.split()[:4]) if skipped else ""
            if refs[key] not in found and len(found) < 8:
                found.append(refs[key])
            seen.append((key, text))
        for key, text in seen:
            printed[key] = printed.get(key, 0) + len(fold(text)) + 1
        starts.append(PageStart(number, tuple(found), words, skipped))
    return tuple(starts)


def _tag(element) -> str:
    """An element's tag without its namespace."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _srgb_profile() -> bytes:
    """The sRGB profile WeasyPrint ships, and embeds itself in PDF/A files (the ICC's sRGB2014): what its
    DeviceRGB means."""
    from importlib.resources import files

    return (files("weasyprint.pdf") / "sRGB2014.icc").read_bytes()


def output_intent(project: Project) -> OutputIntent:
    """The printing condition of a PDF/X file: the project's own profile (checked when the settings were
    read), else leafbind's."""
    profile = project.settings.output_profile
    if profile is None:
        data = (builtin_dir("assets") / BUILTIN_PROFILE).read_bytes()
        return OutputIntent(data, BUILTIN_CONDITION, BUILTIN_INFO)
    data = asset_bytes(profile)
    info = profile_description(data) or profile.href
    return OutputIntent(data, project.config.press.output_condition, info)


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


@contextmanager
def _reproducible_fonts(day: date):
    """Subset the embedded fonts the same way on every machine, dated by the leaflet, not the clock.

    WeasyPrint subsets fonts with HarfBuzz where the machine has its subsetter (Debian's libharfbuzz-subset0)
    and with fontTools elsewhere; the two give different bytes, and HarfBuzz's differ between its versions,
    which come with the operating system rather than with leafbind. So leafbind always uses fontTools (a
    Python dependency, pinned like the others; as fast here), and fontTools' `timestampNow`, which stamps the
    time of saving into each font's `head` table, gives the leaflet's date instead. Both are replaced for the
    moment the PDF is written (under `_Reused.lock`).
    """
    from fontTools.ttLib.tables import _h_e_a_d
    from weasyprint.pdf import fonts

    stamp = calendar.timegm(day.timetuple()) + FONT_EPOCH
    clock, _h_e_a_d.timestampNow = _h_e_a_d.timestampNow, lambda: stamp
    subsetter, fonts.harfbuzz_subset = getattr(fonts, "harfbuzz_subset", None), None
    try:
        yield
    finally:
        _h_e_a_d.timestampNow = clock
        fonts.harfbuzz_subset = subsetter


def asset_fetcher(assets: tuple[Asset, ...]):
    """A WeasyPrint URL fetcher that serves only the files the asset gate checked for this leaflet.

    No network, and no file at all but those: a leaflet or a layout can't make the PDF embed /etc/passwd, a
    file behind a link, or call a tracking pixel. Data URIs (the QR code) are read as usual.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    by_href = {asset.href: asset for asset in assets}

    class AssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            href = unquote(url.removeprefix(BASE_URL)) if url.startswith(BASE_URL) else None
            if not url.startswith("file:"):
                raise ValueError(f"{url} is on the network: leafbind never fetches from the network")
            if href not in by_href:
                raise ValueError(f"{href or url} is not one of this leaflet's checked files (its images, "
                                 "photos, logo and fonts): files outside the project are never read")
            asset = by_href[href]
            return URLFetcherResponse(url, asset_bytes(asset), {"Content-Type": asset.media_type})

    return AssetFetcher(allowed_protocols={"file", "data"})


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
