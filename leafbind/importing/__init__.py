"""publish import: Word documents and saved web pages become leaflet sources.

    result = import_documents(project, [Path("old-leaflets/")], ImportOptions(author="editorial-team"))
    for document in result.documents: print("\n".join(describe(document, result.dry_run)))

Converters (docx.py, the webpage/ package) read a document into a Draft (draft.py); plan.py settles it into
a leaflet; writer.py writes its source; importer.py checks and writes it; authors.py keeps authors.yaml;
report.py words the report.
"""

from .importer import ImportOptions, ImportResult, import_documents
from .report import describe, summary

__all__ = ["ImportOptions", "ImportResult", "describe", "import_documents", "summary"]
