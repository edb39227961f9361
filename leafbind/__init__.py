"""leafbind: publish patient-information leaflets as print-ready PDF handouts and accessible EPUB 3 e-books."""

__version__ = "0.4.0"

from .build import BuildResult, build_catalogue  # noqa: E402 (the build state records __version__)
from .catalogue import check_catalogue, find_leaflets  # noqa: E402
from .errors import LeafbindError, Problem, ProblemReport  # noqa: E402
from .load import load_leaflet  # noqa: E402
from .model import Leaflet  # noqa: E402
from .project import Project, open_project  # noqa: E402

__all__ = [
    "BuildResult", "Leaflet", "LeafbindError", "Problem", "ProblemReport", "Project",
    "build_catalogue", "check_catalogue", "find_leaflets", "load_leaflet", "open_project",
]
