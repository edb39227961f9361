"""The quality wing: is one valid leaflet fit for patients? Plain language, readable length, structure, dates,
and the starter's sample text left in — and the quality page built from the results.

It checks one leaflet at a time and imports nothing above it, only leafbind's foundations (errors, model,
settings, project, load, validate, markdown, paths, assets). Running it over a catalogue (`publish check`) and
writing the page are leafbind/review.py's work.

    linter = make_linter(project, today)         # the project's [check] settings and plain-words list
    quality = linter.lint(leaflet, display)      # Quality: the scores and findings of one leaflet
    report = QualityReport(...)                  # every leaflet of one run; .as_dict() is the JSON report
    html = quality_page(report, organisation)    # the page dist/quality.html

Modules: rules.py (the rules, Linter, Finding, Quality, QualityReport), prose.py (the body as a reader meets
it), readability.py (textstat's scores), plainwords.py with plain-words.yaml (the plain-words list),
placeholders.py (the starter's sample texts), glyphs.py (the characters the outputs' fonts have), textlayer.py
(the built PDF's text layer against the source: run by the build, which has the PDF), report.py
with report.html.jinja (the quality page), and quality.schema.json (the JSON report's schema).
"""

from .report import quality_page
from .rules import ERROR, SCHEMA_ID, WARNING, Finding, FontCheck, Linter, Quality, QualityReport, make_linter
from .textlayer import CODE as TEXT_LAYER
from .textlayer import text_layer_findings

__all__ = ["ERROR", "SCHEMA_ID", "TEXT_LAYER", "WARNING", "Finding", "FontCheck", "Linter", "Quality",
           "QualityReport", "make_linter", "quality_page", "text_layer_findings"]
