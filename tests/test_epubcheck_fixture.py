"""The EPUBCheck fixture itself must be able to fail, or every EPUB test would pass vacuously."""

import zipfile
from pathlib import Path

from conftest import epubcheck_messages


def test_epubcheck_reports_a_broken_epub(built, tmp_path: Path) -> None:
    source = built("clinic") / "ankle-sprain" / "ankle-sprain-ed2.epub"
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename.endswith("leaflet.xhtml"):
                data = data.replace(b"</article>", b"")  # no longer well-formed XHTML
            copy.writestr(info, data)
    assert any("ERROR" in message or "FATAL" in message for message in epubcheck_messages(broken))
