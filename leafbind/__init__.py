"""leafbind: publish patient-information leaflets as print-ready PDF handouts and accessible EPUB 3 e-books.

The public API, everything the command line (publish.py) uses:

    project = open_project(Path("."))                              # leafbind.toml read and checked
    options = BuildOptions.resolve(project, layouts=("booklet",))  # defaults < leafbind.toml < these
    result = build_catalogue(project, options)                     # a BuildResult (.as_dict() for JSON)

    review_catalogue(project, slugs, today())                      # publish check: sources and quality
    new_edition(project, slug, note) · new_leaflet(project, slug) · due_for_review(leaflets, today())
    import_documents(project, [Path("leaflet.docx")], ImportOptions())  # publish import: Word, web pages
    with Preview(Path("."), port=8000) as preview: preview.wait()  # publish serve: the live preview
"""

from .build import BuildOptions, BuildResult, BuildStopped, Progress, build_catalogue
from .catalogue import (
    DUE_WITHIN,
    UnknownLeaflet,
    check_catalogue,
    due_for_review,
    find_leaflets,
    languages,
)
from .clock import today
from .editions import new_edition
from .errors import LeafbindError, Problem, ProblemReport, plural
from .importing import ImportOptions, ImportResult, import_documents
from .importing import describe as describe_import
from .importing import summary as import_summary
from .load import load_leaflet
from .model import Leaflet
from .output import FileFault
from .paths import display as display_path
from .pdf import DEFAULT_VARIANT, pdf_variants
from .preview import Preview
from .products import FORMATS, UnknownLayout, choose_products, print_products
from .project import Project, open_project
from .quality import QualityReport
from .review import review_catalogue, write_quality_page
from .settings import PAGE_SIZES
from .starter import new_leaflet
from .version import __version__
from .workers import EXECUTORS, Dask, Local

__all__ = [
    "DEFAULT_VARIANT", "DUE_WITHIN", "EXECUTORS", "FORMATS", "PAGE_SIZES",
    "BuildOptions", "BuildResult", "BuildStopped", "Dask", "FileFault", "ImportOptions", "ImportResult",
    "Leaflet", "LeafbindError", "Local",
    "Preview", "Problem", "ProblemReport", "Progress", "Project", "QualityReport", "UnknownLayout",
    "UnknownLeaflet",
    "__version__", "build_catalogue", "check_catalogue", "choose_products", "describe_import", "display_path",
    "due_for_review", "import_documents", "import_summary",
    "languages",
    "find_leaflets", "load_leaflet", "new_edition", "new_leaflet", "open_project", "pdf_variants", "plural",
    "print_products", "review_catalogue", "today", "write_quality_page",
]
