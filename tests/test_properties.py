"""Property-based: whatever front matter, YAML, Markdown and file names an editor (or a paste from Word, or an
attacker) gives, `publish check` and `publish build` end with exit status 0, 1 or 2 and a message, never a
traceback; write nothing outside the output folder; and every file they do write passes its checker.

Examples are drawn by Hypothesis from hostile and ordinary pieces (markup, template syntax, control
characters, right-to-left marks, YAML tags and aliases, paths out of the project, long tokens). The run is
derandomised so CI sees the same examples every time;
`HYPOTHESIS_PROFILE=explore python -m pytest tests/test_properties.py` draws many more, differently each run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import assert_inert_epub, assert_inert_pdf, assert_valid_epub
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from publish import cli

settings.register_profile("ci", max_examples=20, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

NASTY = ["<script>alert(1)</script>", "&amp; <b>bold</b> &", "{{ 7 * 7 }}", "{% include 'x' %}", "\x0b",
         "\x00", "\x1b[2J", "a: b", "'", '"', "- item", "&anchor x", "*alias",
         "!!python/object/apply:os.system ['id']", "${HOME}", "../../etc/passwd",
         "https://example.org/" + "a" * 300, "١٢٣ مرحبا", "日本語のテキスト", "\u202eevil", "\ufeff",
         "\u2028", "é" * 50, "Jan van der Berg", "0", "2026-02-30", "null", "~", "[]", "{}"]
text = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
                 st.sampled_from(NASTY))
# Text in the letters the bundled typeface covers (Latin-1 and Latin Extended-A), so that examples reach the
# outputs; other scripts are a problem of their own ("no glyph for …"), drawn in `text` and NASTY.
plain = st.text(st.characters(min_codepoint=32, max_codepoint=0x17F, exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=40)
IMAGES = ["images/ok.png", "images/ok.svg", "images/bad.svg", "images/not-a-picture.png",
          "images/missing.png", "images/a%20photo.png", "../../../etc/passwd.png", "/etc/x.png",
          "http://tracker.example/p.png", "../assets/images/ok.png", "images/ok.PNG", "images/ok.txt"]
LINKS = ["https://example.org", "javascript:alert(1)", "#section-one", "#nowhere", "mailto:a@example.org",
         "data:text/html,<script>x</script>", "file:///etc/passwd", "tel:+441234", "", "relative.html"]


HOSTILE_TEXT = [item for item in NASTY if item.isprintable() and item.strip()]  # markup, templates, scripts …
printable = st.one_of(plain, st.sampled_from(HOSTILE_TEXT))
GOOD_IMAGES = IMAGES[:2] + ["images/a%20photo.png", "../leaflets/images/ok.png"]
GOOD_LINKS = ["https://example.org", "mailto:a@example.org", "tel:+441234", "#section-one"]


def pieces(good: bool):
    """Pieces of a Markdown body. `good`: pieces a valid leaflet may hold (with hostile text in them)."""
    words = printable if good else st.one_of(plain, text)
    shared = [
        words, words.map(lambda t: f"### {t}"),
        st.builds(lambda alt, src: f"![{alt}]({src})", plain,
                  st.sampled_from(GOOD_IMAGES if good else IMAGES)),
        st.builds(lambda w, href: f"[{w}]({href})", plain, st.sampled_from(GOOD_LINKS if good else LINKS)),
        st.integers(1, 8 if good else 14).map(
            lambda depth: "\n".join("  " * level + "- x" for level in range(depth))),
        st.sampled_from(["| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```", "> quote\n> > deeper",
                         "x" * 5000, "*" * 300 + "x", "[" * 300, "\\" * 100, "&#0; &#x1b; &#xD800;",
                         "1. one\n2. two"]),
    ]
    if not good:
        shared += [plain.map(lambda t: f"# {t}"), st.sampled_from(["<div onclick='x()'>raw</div>",
                                                                     "<img src=x onerror=alert(1)>"])]
    return st.one_of(*shared)


@st.composite
def leaflets(draw) -> tuple[str, str, str]:
    """(file name, front matter, body) as an editor wrote them: half of them valid in structure, with hostile
    text in their values, so that they reach the outputs; the other half anything at all."""
    good = draw(st.booleans())
    values = printable if good else text
    fields = {
        "title": draw(values),
        "summary": draw(values),
        "authors": ["nurse"] if good else draw(st.one_of(st.lists(text, max_size=3), text)),
        "published": "2026-01-05" if good else draw(st.one_of(text, st.dates().map(str))),
    }
    optional = {"updated": st.just("2026-02-01"), "review": st.just("2028-01-05"),
                "edition": st.integers(1, 5), "id": st.from_regex(r"[A-Z]{3}-[0-9]{4}", fullmatch=True),
                "lang": st.sampled_from(["en", "en-GB", "ar", "zh-Hans", "pl"]),
                "keywords": st.lists(printable, max_size=3),
                "sources": st.lists(st.fixed_dictionaries(
                    {"title": printable, "publisher": printable},
                    optional={"url": st.just("https://example.org/a?b=1&c=<2>"),
                              "year": st.integers(1990, 2026)}),
                    max_size=2)}
    if not good:
        optional |= {"edition": st.integers(-2, 5), "id": text,
                     "lang": st.sampled_from(["en-UK", "xx", "English"]),
                     "keywords": st.lists(text, max_size=3), "edtion": st.integers(), "colour": text,
                     "sources": st.lists(st.fixed_dictionaries({"title": text}, optional={
                         "publisher": text, "author": text, "url": text, "year": st.integers(0, 3000)}),
                         max_size=2)}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            fields[key] = draw(strategy)
    front = yaml.safe_dump(fields, allow_unicode=draw(st.booleans()), sort_keys=False)
    if not good:
        front = draw(st.one_of(st.just(front), text, st.just(front + draw(text))))
    body = "\n\n".join(["## One", *draw(st.lists(pieces(good), max_size=8))])
    return draw(slugs if good else leaflet_names), front, body


slugs = st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
leaflet_names = st.one_of(
    slugs,
    st.text(st.characters(codec="utf-8", exclude_characters="/\x00", exclude_categories=("Cs",)),
            min_size=1, max_size=40).filter(lambda name: name not in (".", "..")
                                            and len(name.encode()) < 200),
)
AUTHORS = "nurse:\n  name: Ada Lovelace\n  bio: Ada writes the practice's leaflets.\n"


def scenario(root: Path, name: str, front: str, body: str, authors: str) -> None:
    images = root / "leaflets" / "images"
    images.mkdir(parents=True)
    Image.new("RGB", (20, 10), "teal").save(images / "ok.png")
    Image.new("RGB", (20, 10), "teal").save(images / "a photo.png")
    (images / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    (images / "bad.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    (images / "not-a-picture.png").write_text("hello")
    (root / "leaflets" / "authors.yaml").write_text(authors, "utf-8")
    (root / "leaflets" / f"{name}.md").write_text(f"---\n{front}---\n\n{body}\n", "utf-8")
    (root / "leafbind.toml").write_text('organisation = "Riverside"\nwebsite = "https://leaflets.example/"\n')


def files_outside(folder: Path, out: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_relative_to(out)}


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output, result.output
    return result


@given(leaflet=leaflets(), authors=st.one_of(st.just(AUTHORS), st.just(AUTHORS + "<script>: x\n"),
                                           printable.map(lambda t: AUTHORS.replace("Ada Lovelace",
                                                                                   t.replace(":", ""))),
                                           text.map(lambda t: AUTHORS + t)))
def test_any_sources_give_a_message_or_valid_outputs_and_write_only_the_output_folder(leaflet, authors):
    name, front, body = leaflet
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        root, out = home / "project", home / "project" / "dist"
        scenario(root, name, front, body, authors)
        before = files_outside(home, out)
        run("check", "--project", str(root))
        built = run("build", "--project", str(root), "--layout", "standard", "--jobs", "1", "--quiet",
                    "--no-lint")
        event(f"build exit status {built.exit_code}")
        assert files_outside(home, out) == before
        for path in out.rglob("*"):
            if path.suffix == ".epub":
                assert_valid_epub(path)
                assert_inert_epub(path)
            elif path.suffix == ".pdf":
                assert_inert_pdf(path)
