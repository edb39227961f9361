"""Script-aware typesetting: which typefaces a leaflet needs, from its language and the scripts its text uses.

Atkinson Hyperlegible (and Leafbind Symbols) set every leaflet's Latin text. Three script faces are bundled in
assets/fonts/ (Noto Naskh Arabic, Noto Sans Hebrew, Noto Sans Bengali); each is declared with a
`unicode-range` of its own script's blocks, worked out from the characters the font really has, so it sets
only its script, and a leaflet's stylesheet declares it only when the leaflet writes in that script (the
e-book then embeds only the script fonts it uses).

Fonts too large to bundle (Chinese, Japanese, Korean) are named by the project in leafbind.toml, one file per
language (`[fonts]`, see settings.py): a font file of the project or an installed one given by its absolute
path. A font collection (.ttc, .otc) holds several faces, and `@font-face` would take its first (Noto Sans
CJK's is Japanese, so a Chinese leaflet would get Japanese forms): the face the project names is taken out of
the collection here with fontTools, subset to the characters the leaflet uses (all layout features kept), and
its bytes handed to the outputs as a derived asset (assets.register_derived). The face of the leaflet's
language goes first in its font-family list, for every character it has outside the Latin blocks. A leaflet in
Chinese, Japanese or Korean whose language has no font configured can't be built.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .assets import COLLECTION_SUFFIXES, register_derived
from .model import Asset, Leaflet
from .paths import builtin_dir

LANGUAGE_FONTS = "assets/fonts/lang/"  # where the outputs name the faces taken from `[fonts]`
CJK_SCRIPTS = {"Hans", "Hant", "Hani", "Jpan", "Kore"}  # scripts no bundled font has: a font is required
# Atkinson Hyperlegible keeps these, whatever face a language names: Basic Latin to Latin Extended-B, and
# Latin Extended Additional.
LATIN = ((0x0000, 0x024F), (0x1E00, 0x1EFF))
BASE_FAMILIES = ('"Atkinson Hyperlegible"', '"Atkinson Hyperlegible Ext"', '"Leafbind Symbols"')
CJK_EXAMPLE = ('[fonts.zh-Hans] file = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" '
               'face = "Noto Sans CJK SC"')


@dataclass(frozen=True)
class ScriptFace:
    """A bundled typeface for one script: its family, its files in assets/fonts/ with their weights, and the
    Unicode blocks it sets."""

    script: str  # ISO 15924 code, as langcodes gives a language's likely script
    family: str
    files: tuple[tuple[str, int], ...]
    blocks: tuple[tuple[int, int], ...]

    def used_in(self, characters: set[int]) -> bool:
        return any(first <= code <= last for code in characters for first, last in self.blocks)


SCRIPT_FACES = (
    ScriptFace("Arab", "Noto Naskh Arabic",
               (("NotoNaskhArabic-Regular.ttf", 400), ("NotoNaskhArabic-Bold.ttf", 700)),
               ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ScriptFace("Hebr", "Noto Sans Hebrew",
               (("NotoSansHebrew-Regular.ttf", 400), ("NotoSansHebrew-Bold.ttf", 700)),
               ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    ScriptFace("Beng", "Noto Sans Bengali",
               (("NotoSansBengali-Regular.ttf", 400), ("NotoSansBengali-Bold.ttf", 700)),
               ((0x0980, 0x09FF), (0x0964, 0x0965))),  # with the dandas, shared with Devanagari
)
SCRIPT_FILES = {name: face for face in SCRIPT_FACES for name, _ in face.files}
# Every font-family list of the built-in layouts (a face that a leaflet's stylesheet does not declare is never
# used: its unicode-range characters are not in the leaflet).
FAMILIES = ", ".join((*BASE_FAMILIES, *(f'"{face.family}"' for face in SCRIPT_FACES), "sans-serif"))


@dataclass(frozen=True)
class ConfiguredFont:
    """A font leafbind.toml names for a language (`[fonts]`), checked when the settings were read."""

    tag: str  # the BCP 47 language tag, standardised
    source: Asset  # the font file as checked (its digest is that of the whole file)
    face: str | None  # the face named in a collection
    index: int = 0  # that face's number in the collection


@dataclass(frozen=True)
class DeclaredFace:
    """One @font-face rule of a leaflet's stylesheet."""

    family: str
    href: str
    weight: int
    unicode_range: str


@dataclass(frozen=True)
class LeafletFonts:
    """The faces a leaflet's stylesheets declare beyond the Latin ones, and its font-family list."""

    faces: tuple[DeclaredFace, ...] = ()  # the bundled script faces it uses
    language: str | None = None  # the leaflet's language when a configured face sets it (the :lang() rule)
    whole: DeclaredFace | None = None  # that face, whole, for print: WeasyPrint subsets what a PDF embeds
    subset: DeclaredFace | None = None  # the same face subset to the leaflet's characters, for the e-book
    families: Markup = Markup(FAMILIES)
    assets: tuple[Asset, ...] = ()  # the configured faces' files (made here, not found through the gate)
    # other languages' configured faces, each subset to what the leaflet prints in that language (the names of
    # its translations: "中文 (简体)" in an English leaflet), for the elements marked with that language
    others: tuple[tuple[str, DeclaredFace], ...] = ()

    def declared(self, target: str) -> tuple[DeclaredFace, ...]:
        """The @font-face rules of a stylesheet for `target` (print, epub or web)."""
        language = self.subset if target == "epub" else self.whole
        return self.faces + ((language,) if language else ()) + tuple(face for _, face in self.others)


class MissingFont(ValueError):
    """A leaflet in a language that needs a font leafbind.toml does not name."""


def needs_font(lang: str) -> bool:
    """True for a language written in a script no bundled font has (Chinese, Japanese, Korean)."""
    return _likely_script(lang) in CJK_SCRIPTS


@lru_cache(maxsize=64)
def _likely_script(lang: str) -> str:
    import langcodes

    return langcodes.Language.get(lang).maximize().script or ""


def _candidates(lang: str) -> list[str]:
    """The tags a configured font may be named by for a leaflet in `lang`, most specific first: the tag as
    written and its shorter forms, then with its likely script and region (zh-CN → zh-Hans-CN, zh-Hans), then
    the language alone."""
    import langcodes

    written = langcodes.Language.get(lang)
    full = written.maximize()
    parts = lang.split("-")
    found = ["-".join(parts[:end]) for end in range(len(parts), 1, -1)]
    found += [tag for tag in (f"{full.language}-{full.script}-{full.territory}",
                              f"{full.language}-{full.script}", f"{full.language}-{full.territory}")
              if "None" not in tag]
    found.append(written.language or parts[0])
    return list(dict.fromkeys(tag.lower() for tag in found))


def font_for(lang: str, configured: tuple[ConfiguredFont, ...]) -> ConfiguredFont | None:
    """The configured font for a leaflet in `lang`: the most specific configured tag that matches."""
    by_tag = {font.tag.lower(): font for font in configured}
    return next((by_tag[tag] for tag in _candidates(lang) if tag in by_tag), None)


def missing_message(lang: str) -> str:
    """What to do about a CJK leaflet with no font: the setting to add, with Noto Sans CJK's face for it."""
    import langcodes

    full = langcodes.Language.get(lang).maximize()
    region = {"Jpan": "JP", "Kore": "KR",
              "Hant": "HK" if full.territory == "HK" else "TC"}.get(full.script, "SC")
    example = CJK_EXAMPLE.replace("zh-Hans", lang).replace("CJK SC", f"CJK {region}")
    return (f"leafbind.toml: [fonts] has no font for {lang}: leafbind bundles no font for Chinese, Japanese "
            f"or Korean; name one file per CJK language, e.g. {example}")


def leaflet_characters(leaflet: Leaflet) -> set[int]:
    """The code points of everything printed from the leaflet's sources (as the font-coverage check reads)."""
    parts = [leaflet.title, leaflet.summary, leaflet.code, leaflet.body]
    parts += [getattr(entry, key) for entry in leaflet.sources
              for key in ("title", "publisher", "author", "url")]
    parts += [revision.note for revision in leaflet.history]
    parts += [getattr(author, key) for author in leaflet.authors for key in ("name", "credentials", "bio")]
    return {ord(character) for part in parts if part for character in unicodedata.normalize("NFC", str(part))}


def leaflet_fonts(leaflet: Leaflet, configured: tuple[ConfiguredFont, ...], printed: str = "",
                  others: tuple[tuple[str, str], ...] = ()) -> LeafletFonts:
    """The faces the leaflet needs: the bundled script faces of the scripts it uses (or its language is
    written in), and its language's configured face. `printed` is what the layouts add in its language (the
    catalogue's strings); `others` what they print in other languages, (tag, text): the names of its
    translations, each in its own language. Raises MissingFont for a Chinese, Japanese or Korean leaflet whose
    language has none."""
    characters = leaflet_characters(leaflet) | _codes(printed) | {code for _, text in others
                                                                 for code in _codes(text)}
    script = _likely_script(leaflet.lang)
    faces = [DeclaredFace(face.family, f"assets/fonts/{name}", weight,
                          unicode_range(_bundled(name), face.blocks))
             for face in SCRIPT_FACES if face.script == script or face.used_in(characters)
             for name, weight in face.files]
    font = font_for(leaflet.lang, configured)
    extra = _other_faces(font, configured, others)
    if font is None:
        if needs_font(leaflet.lang):
            raise MissingFont(missing_message(leaflet.lang))
        return LeafletFonts(tuple(faces), assets=tuple(asset for asset, _ in extra),
                            others=tuple(other for _, other in extra))
    # Named by its PostScript name (NotoSansCJKsc-Regular), which a PDF's font list then shows: never the
    # name of a family the machine may have installed (Noto Sans CJK SC), which fontconfig could take instead.
    whole, whole_cmap = language_face(font)
    subset, subset_cmap = language_face(font, frozenset(characters))
    family = whole.href.rsplit("/", 1)[-1].rsplit("-", 1)[0]
    return LeafletFonts(tuple(faces), leaflet.lang,
                        DeclaredFace(family, whole.href, 400, _beyond_latin(whole_cmap)),
                        DeclaredFace(family, subset.href, 400, _beyond_latin(subset_cmap)),
                        Markup(f'"{family}", {FAMILIES}'), (whole, subset, *(asset for asset, _ in extra)),
                        tuple(other for _, other in extra))


def _codes(text: str) -> set[int]:
    return {ord(character) for character in unicodedata.normalize("NFC", text)}


def _other_faces(own: ConfiguredFont | None, configured: tuple[ConfiguredFont, ...],
                 others: tuple[tuple[str, str], ...]) -> list[tuple[Asset, tuple[str, DeclaredFace]]]:
    """For each other language with a configured face of its own, that face subset to the text printed in
    it, under a family name of its own (so that no two subsets share one)."""
    found = []
    for tag, text in others:
        font = font_for(tag, configured)
        if font is None or font == own:
            continue
        asset, cmap = language_face(font, frozenset(_codes(text)))
        family = asset.href.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        found.append((asset, (tag, DeclaredFace(family, asset.href, 400, _beyond_latin(cmap)))))
    return found


def _beyond_latin(codes: frozenset[int]) -> str:
    """The unicode-range of a language's face: all it has but the Latin blocks (Atkinson Hyperlegible's)."""
    return _ranges(set(codes) - _latin(codes))


def web_fonts() -> LeafletFonts:
    """The web edition's faces: every bundled script face (a browser fetches one only for a page using it)."""
    return LeafletFonts(tuple(DeclaredFace(face.family, f"assets/fonts/{name}", weight,
                                           unicode_range(_bundled(name), face.blocks))
                              for face in SCRIPT_FACES for name, weight in face.files))


def _bundled(name: str) -> Path:
    return builtin_dir("assets") / "fonts" / name


def unicode_range(path: Path, blocks: tuple[tuple[int, int], ...]) -> str:
    """The CSS unicode-range of the characters the font has within `blocks` (WeasyPrint tells fontconfig the
    font has every character of its range, so the range never claims one it lacks)."""
    stat = os.stat(path)
    return _ranges(set(cmap_of(path, stat.st_size, stat.st_mtime_ns)) & _in_blocks(blocks))


@lru_cache(maxsize=16)
def _in_blocks(blocks: tuple[tuple[int, int], ...]) -> frozenset[int]:
    return frozenset(code for first, last in blocks for code in range(first, last + 1))


def _latin(codes) -> set[int]:
    return {code for code in codes if any(first <= code <= last for first, last in LATIN)}


def _ranges(codes: set[int]) -> str:
    """Code points as unicode-range runs: U+600-6FF, U+FB50-FDFF …"""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ", ".join(f"U+{first:X}" if first == last else f"U+{first:X}-{last:X}" for first, last in runs) \
        or "U+FFFF"


@lru_cache(maxsize=32)
def cmap_of(path: Path, size: int, mtime_ns: int, index: int = 0) -> frozenset[int]:
    """The characters a font (or a collection's face `index`) maps."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=index) as font:
        return frozenset(font.getBestCmap() or {})


def configured_cmap(font: ConfiguredFont) -> frozenset[int]:
    """The characters a configured font sets: all it has but the Latin blocks (Atkinson Hyperlegible's)."""
    stat = os.stat(font.source.path)
    codes = cmap_of(font.source.path, stat.st_size, stat.st_mtime_ns, font.index)
    return frozenset(set(codes) - _latin(codes))


# --- Configured fonts: checked when leafbind.toml is read, their faces taken out and subset per leaflet -----

def face_names(font) -> set[str]:
    """The names a face may be called by: its family (typographic, then legacy), full and PostScript names."""
    name = font["name"]
    return {value for value in (name.getBestFamilyName(), name.getDebugName(1), name.getDebugName(4),
                                name.getDebugName(6)) if value}


def collection_faces(path: Path) -> list[str]:
    """The family names of the faces in a font collection, in order."""
    from fontTools.ttLib import TTCollection

    with open(path, "rb") as file:
        collection = TTCollection(file, lazy=True)
        return [font["name"].getBestFamilyName() or f"face {number}"
                for number, font in enumerate(collection.fonts)]


def face_index(path: Path, written: str, face: str | None) -> int:
    """The number of the face `face` names in the font file (0 for a single font). Raises ValueError, listing
    the faces, for a collection without `face` or a face that is not in it."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() not in COLLECTION_SUFFIXES:
            if face is not None:
                with TTFont(path, lazy=True) as font:
                    if face.casefold() not in {name.casefold() for name in face_names(font)}:
                        raise ValueError(f'"{written}" is a single font, {font["name"].getBestFamilyName()}, '
                                         f'not "{face}": leave out face, or name the file of that face')
            return 0
        with open(path, "rb") as file:
            collection = TTCollection(file, lazy=True)
            names = [face_names(font) for font in collection.fonts]
            listed = ", ".join(f'"{font["name"].getBestFamilyName()}"' for font in collection.fonts)
    except (TTLibError, OSError, KeyError, AssertionError, EOFError) as error:
        raise ValueError(f'"{written}" is not a readable font ({error})') from None
    if face is None:
        raise ValueError(f'"{written}" is a font collection: name the face to use with face = "…" '
                         f"(it holds {listed}); each language needs its own face")
    for number, known in enumerate(names):
        if face.casefold() in {name.casefold() for name in known}:
            return number
    raise ValueError(f'"{face}" is not a face of "{written}" (it holds {listed})')


def language_face(font: ConfiguredFont,
                  characters: frozenset[int] | None = None) -> tuple[Asset, frozenset[int]]:
    """The configured face as a standalone font, whole or subset to `characters` (all its layout features
    kept): an Asset the outputs embed, and the characters it maps. Made once per process for each face and
    set of characters."""
    stat = os.stat(font.source.path)
    data, suffix, postscript = _face(font.source.path, stat.st_size, stat.st_mtime_ns, font.source.digest,
                                     font.index, None if characters is None else tuple(sorted(characters)))
    digest = register_derived(data)
    href = f"{LANGUAGE_FONTS}{postscript}-{digest[:12]}{suffix}"
    asset = Asset(href, font.source.path, "font/otf" if suffix == ".otf" else "font/ttf", digest)
    return asset, _mapped(data)


@lru_cache(maxsize=32)
def _mapped(data: bytes) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(data), lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=16)
def _face(path: Path, size: int, mtime_ns: int, digest: str, index: int,
          characters: tuple[int, ...] | None) -> tuple[bytes, str, str]:
    """The face's bytes (subset to `characters` unless None), its file suffix and PostScript name. The same
    input gives the same bytes: the `head` dates are kept (recalcTimestamp=False), and a changed file (size,
    time or digest) is read again."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    data = Path(path).read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError(f'"{path}" changed while the build was running: build again')
    font = TTFont(io.BytesIO(data), fontNumber=index, recalcTimestamp=False, recalcBBoxes=False)
    font.flavor = None
    postscript = "".join(c for c in font["name"].getDebugName(6) or "" if c.isalnum() or c in "-_") or "font"
    suffix = ".otf" if font.sfntVersion == "OTTO" else ".ttf"
    if characters is None:
        return _saved(font), suffix, postscript
    options = subset.Options()
    options.layout_features = ["*"]  # shaping (Arabic joining, Indic conjuncts, CJK locl and vert) intact
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # a PDF has no use for it
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[0x20, *characters])
    subsetter.subset(font)
    return _saved(font), suffix, postscript


def _saved(font) -> bytes:
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
