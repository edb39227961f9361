"""Time `publish import` on a folder of generated Word documents: the time per document, and the whole run.

    python bench/import_docx.py --count 200                 # 200 documents, seed 2026
    python bench/import_docx.py --count 1000 --out /tmp/import.json

Needs python-docx (the test extra). Each document is a leaflet of the usual shape: a Title, an introduction,
four to eight Heading 1 sections with paragraphs, a numbered list with a nested bulleted one, a table with a
header row, a link, bold and italic, and one image in four; core properties give the author and dates. The
documents are made once, then imported into a fresh project by the checkout's publish.py, as a subprocess.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = ("pain swelling rest ice doctor nurse medicine tablet walk sleep water food heart blood pressure "
         "breathing cough fever rash joint knee ankle wrist back exercise stretch dressing wound clinic "
         "pharmacy appointment symptom worse better week day night morning").split()
AUTHORS = ("Amara Okafor", "Ben Hughes", "Chloe Martin", "Deepak Rao", "Elena Petrova", "Farid Haddad")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def make_document(path: Path, number: int, rng: random.Random, picture: bytes) -> None:
    from docx import Document
    from docx.shared import Cm

    document = Document()
    document.add_paragraph(f"Leaflet {number}: {sentence(rng)[:-1]}", style="Title")
    document.add_paragraph(paragraph(rng))
    for section in range(rng.randint(4, 8)):
        document.add_heading(f"Section {section + 1}: {rng.choice(WORDS)}", level=1)
        text = document.add_paragraph(paragraph(rng) + " ")
        text.add_run("Important:").bold = True
        text.add_run(" " + sentence(rng)).italic = True
        if section == 1:
            for item in range(3):
                document.add_paragraph(sentence(rng), style="List Number")
                if item == 0:
                    document.add_paragraph(sentence(rng), style="List Bullet 2")
        if section == 2:
            table = document.add_table(rows=3, cols=2)
            for row, cells in enumerate(table.rows):
                for column, cell in enumerate(cells.cells):
                    cell.text = f"Heading {column + 1}" if row == 0 else rng.choice(WORDS)
        if section == 3 and number % 4 == 0:
            document.add_picture(io.BytesIO(picture), width=Cm(4))
    properties = document.core_properties
    properties.author = rng.choice(AUTHORS)
    properties.created = datetime(2024, rng.randint(1, 12), rng.randint(1, 28))
    properties.modified = datetime(2025, rng.randint(1, 12), rng.randint(1, 28))
    document.save(path)


def picture() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def project(root: Path) -> None:
    (root / "leaflets").mkdir(parents=True)
    (root / "leaflets" / "authors.yaml").write_text(
        "editorial-team:\n  name: Bench Editorial Team\n  bio: >-\n    The team that writes the bench's "
        "leaflets.\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="leafbind-import-bench-"))
    rng, image = random.Random(arguments.seed), picture()
    documents = work / "documents"
    documents.mkdir()
    for number in range(1, arguments.count + 1):
        make_document(documents / f"leaflet-{number:04}.docx", number, rng, image)
    project(work / "project")
    started = time.perf_counter()
    run = subprocess.run([sys.executable, str(REPO / "publish.py"), "import", str(documents), "--project",
                          str(work / "project")], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    written = len(list((work / "project" / "leaflets").glob("*.md")))
    results = {"documents": arguments.count, "seconds": round(seconds, 2), "leaflets_written": written,
               "ms_per_document": round(1000 * seconds / arguments.count, 1), "exit_status": run.returncode,
               "summary": run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-500:]}
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    if arguments.out:
        arguments.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not arguments.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
