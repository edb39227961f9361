"""leafbind: publish patient-information leaflets as print-ready PDF handouts and accessible EPUB 3 e-books."""

from .catalogue import BuildResult, build_catalogue, check_catalogue, find_leaflets
from .errors import LeafbindError, Problem, ProblemReport
from .load import load_leaflet
from .model import Leaflet
from .project import Project, open_project

__version__ = "0.1.0"

__all__ = [
    "BuildResult", "Leaflet", "LeafbindError", "Problem", "ProblemReport", "Project",
    "build_catalogue", "check_catalogue", "find_leaflets", "load_leaflet", "open_project",
]
