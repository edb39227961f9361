"""What leafbind adds to WeasyPrint's PDF afterwards, with pikepdf: artifacts, and the press PDF's output
intent, page boxes and crop marks.

**Artifacts (PDF/UA).** In a tagged PDF every painting operator must be real content, inside a marked-content
sequence whose MCID the structure tree reaches through its ParentTree, or an artifact, inside /Artifact …
EMC. WeasyPrint marks the running header and footer (its margin boxes) with MCIDs of structure elements it
never links into the tree, and paints page backgrounds, rules and borders outside any marked content.
`mark_artifacts` makes the first pagination artifacts (dropping their entries from the ParentTree) and wraps
the second in /Artifact BMC … EMC, one graphics object at a time: a path from its first point to the operator
that paints it, one text-showing operator, one image or form.

**The press PDF (PDF/X-4).** `finish_press` gives the file what a print shop's preflight asks for: an output
intent (/GTS_PDFX) with its CMYK characterisation profile embedded, a BleedBox that is the bleed the layout
asked for, and crop marks in the slug beyond it: the MediaBox grows by `SLUG` on every side, and the marks, in
the registration colour (every separation), start `MARK_GAP` beyond the bleed, so a cut a little off the
trim line never shows one.

Both keep the output reproducible: nothing comes from the clock or chance, and the file is written by qpdf
with its /ID kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator, String

MM = 72 / 25.4
SLUG = 10 * MM  # beyond the bleed: room for the crop marks
MARK_GAP = 2 * MM  # between the bleed's edge and a crop mark
MARK_LENGTH = 6 * MM
MARK_WIDTH = 0.25  # pt: a hairline, as print shops draw them
REGISTRATION = Name("/LeafbindRegistration")  # the colour space of the crop marks: /Separation /All

PATH_START = {"m", "re"}
PATH_PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
PATH_END = PATH_PAINT | {"n"}
TEXT_SHOW = {"Tj", "TJ", "'", '"'}
XOBJECT_PAINT = {"Do", "sh", "BI", "INLINE IMAGE"}
PAINTING = PATH_PAINT | TEXT_SHOW | XOBJECT_PAINT


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition a press PDF is made for: its ICC profile (CMYK, printer class) and names."""

    profile: bytes
    condition: str  # /OutputConditionIdentifier: a name in the ICC's registry, or "Custom"
    info: str  # /Info: the condition in words
    registry: str = "http://www.color.org"


def mark_artifacts(pdf: pikepdf.Pdf) -> None:
    """Make every painting operator of every page real content the structure tree reaches, or an artifact.

    Does nothing to an untagged PDF (no StructTreeRoot): with no structure tree there is no real content."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    reachable = _reachable_elements(root)
    parent_tree = _number_tree(root.get("/ParentTree"))
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        mcids = parent_tree.get(int(key)) if key is not None else None
        orphans = set()
        if isinstance(mcids, Array):
            for mcid, element in enumerate(mcids):
                if isinstance(element, Dictionary) and element.objgen not in reachable:
                    orphans.add(mcid)
                    mcids[mcid] = None  # the ParentTree no longer claims it: it is an artifact now
        instructions = pikepdf.parse_content_stream(page)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(
            list(_artifacts_marked(instructions, orphans))))


def _reachable_elements(root: Dictionary) -> set[tuple[int, int]]:
    """The object numbers of the structure elements reached from the StructTreeRoot through /K."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        item = stack.pop()
        if isinstance(item, Array):
            stack.extend(item)
        elif isinstance(item, Dictionary) and item.get("/Type", Name("/StructElem")) == Name("/StructElem"):
            if item.is_indirect:
                if item.objgen in seen:
                    continue
                seen.add(item.objgen)
            stack.append(item.get("/K"))
    return seen


def _number_tree(node) -> dict[int, object]:
    """A number tree (the ParentTree) as a dict, leaves and /Kids alike."""
    found: dict[int, object] = {}
    if not isinstance(node, Dictionary):
        return found
    nums = node.get("/Nums", Array())
    for index in range(0, len(nums) - 1, 2):
        found[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", Array()):
        found.update(_number_tree(kid))
    return found


def _artifacts_marked(instructions, orphans: set[int]) -> Iterator:
    """The content stream with orphan MCIDs turned into pagination artifacts and unmarked painting wrapped in
    /Artifact BMC … EMC.

    The stack holds one state per open marked-content sequence: "real" (an MCID the tree reaches),
    "artifact", "other" (marked but neither: a painting inside it still needs wrapping) and "dropped" (a
    sequence nested in an artifact, whose BDC and EMC are left out: nothing inside an artifact is tagged)."""
    stack: list[str] = []
    pending: list = []  # the path being built: its operators wait for the one that ends it
    for instruction in instructions:
        operator = _operator(instruction)
        covered = "real" in stack or "artifact" in stack
        if operator in ("BDC", "BMC"):
            state, instruction = _opened(instruction, operator, orphans, "artifact" in stack)
            stack.append(state)
            if state != "dropped":
                yield instruction
            continue
        if operator == "EMC":
            if not stack or stack.pop() != "dropped":
                yield instruction
            continue
        if operator in PATH_START or pending:
            pending.append(instruction)
            if operator not in PATH_END:
                continue
            wrap = operator in PATH_PAINT and not covered
            yield from _wrapped(pending) if wrap else pending
            pending = []
            continue
        if operator in PAINTING and not covered:
            yield from _wrapped([instruction])
        else:
            yield instruction
    yield from pending


def _operator(instruction) -> str:
    if isinstance(instruction, ContentStreamInstruction):
        return str(instruction.operator)
    return "INLINE IMAGE"


def _opened(instruction, operator: str, orphans: set[int], in_artifact: bool):
    """The state a BDC/BMC opens, and the instruction to write for it."""
    tag = instruction.operands[0]
    properties = instruction.operands[1] if operator == "BDC" else None
    mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
    if tag == Name("/Artifact"):
        return "artifact", instruction
    if mcid is not None and int(mcid) in orphans:
        if in_artifact:
            return "dropped", instruction
        pagination = Dictionary(Type=Name("/Pagination"))
        return "artifact", ContentStreamInstruction([Name("/Artifact"), pagination], Operator("BDC"))
    if mcid is not None:
        return "real", instruction
    return "other", instruction


def _wrapped(instructions: list) -> list:
    return [ContentStreamInstruction([Name("/Artifact")], Operator("BMC")), *instructions,
            ContentStreamInstruction([], Operator("EMC"))]


# --- The press PDF -----------------------------------------------------------------------------------------


def profile_description(profile: bytes) -> str | None:
    """The 'desc' tag of an ICC profile (v2 textDescription or v4 multiLocalizedUnicode), for /Info."""
    count = int.from_bytes(profile[128:132], "big") if len(profile) >= 132 else 0
    for index in range(min(count, 100)):
        entry = profile[132 + 12 * index:144 + 12 * index]
        if entry[:4] != b"desc":
            continue
        offset, size = int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
        tag = profile[offset:offset + size]
        if tag[:4] == b"desc":
            length = int.from_bytes(tag[8:12], "big")
            return tag[12:12 + length].split(b"\0")[0].decode("latin-1").strip() or None
        if tag[:4] == b"mluc" and len(tag) >= 28:
            length, start = int.from_bytes(tag[20:24], "big"), int.from_bytes(tag[24:28], "big")
            return tag[start:start + length].decode("utf-16-be", "replace").strip() or None
    return None


def finish_press(pdf: pikepdf.Pdf, intent: OutputIntent, srgb: bytes | None = None) -> None:
    """The output intent, sRGB as the meaning of DeviceRGB (given its profile), the BleedBox and crop marks
    beyond it (pages with a bleed only)."""
    profile = pdf.make_stream(intent.profile)
    profile.N = 4
    pdf.Root.OutputIntents = Array([Dictionary(
        Type=Name("/OutputIntent"), S=Name("/GTS_PDFX"), OutputConditionIdentifier=String(intent.condition),
        RegistryName=String(intent.registry), Info=String(intent.info), DestOutputProfile=profile)])
    if srgb is not None:
        _default_rgb(pdf, srgb)
    separation = None
    for page in pdf.pages:
        if not _has_bleed(page):
            continue
        if separation is None:
            separation = pdf.make_indirect(_registration_colour())
        _add_crop_marks(pdf, page, separation)


def _default_rgb(pdf: pikepdf.Pdf, srgb: bytes) -> None:
    """Make every DeviceRGB colour and image sRGB: WeasyPrint paints in DeviceRGB, which PDF/X-4 refuses
    with a CMYK output intent unless a /DefaultRGB colour space says what it means. Set in every resource
    dictionary of the pages and of the forms they draw (WeasyPrint shares one among its pages)."""
    profile = pdf.make_stream(srgb)
    profile.N = 3
    default = pdf.make_indirect(Array([Name("/ICCBased"), profile]))
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if not isinstance(resources, Dictionary) or (resources.is_indirect and resources.objgen in seen):
            continue
        if resources.is_indirect:
            seen.add(resources.objgen)
        if "/ColorSpace" not in resources:
            resources.ColorSpace = Dictionary()
        resources.ColorSpace.DefaultRGB = default
        for xobject in resources.get("/XObject", Dictionary()).values():
            if xobject.get("/Subtype") == Name("/Form"):
                stack.append(xobject.get("/Resources"))


def _box(page, name: str) -> list[float]:
    return [float(value) for value in page.obj.get(name, page.obj.MediaBox)]


def _has_bleed(page) -> bool:
    trim, media = _box(page, "/TrimBox"), _box(page, "/MediaBox")
    return trim[0] > media[0] and trim[1] > media[1]


def _add_crop_marks(pdf: pikepdf.Pdf, page, separation) -> None:
    """Grow the MediaBox by the slug, set the BleedBox to the bleed the layout asked for (WeasyPrint's
    MediaBox; it caps its own BleedBox at 10 pt), and draw the marks in the slug."""
    left, bottom, right, top = _box(page, "/TrimBox")
    media = _box(page, "/MediaBox")
    bleed = (left - media[0], bottom - media[1], media[2] - right, media[3] - top)
    bleed_box = [left - bleed[0], bottom - bleed[1], right + bleed[2], top + bleed[3]]
    page.obj.BleedBox = Array(_rounded(bleed_box))
    page.obj.MediaBox = Array(_rounded([bleed_box[0] - SLUG, bleed_box[1] - SLUG,
                                        bleed_box[2] + SLUG, bleed_box[3] + SLUG]))
    resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    resources.ColorSpace[REGISTRATION] = separation
    marks = [f"{x0:.3f} {y0:.3f} m {x1:.3f} {y1:.3f} l" for (x0, y0), (x1, y1) in
             _mark_lines((left, bottom, right, top), bleed)]
    drawing = (f"/Artifact BMC q {REGISTRATION} CS 1 SCN {MARK_WIDTH} w 0 J [] 0 d "
               + " ".join(marks) + " S Q EMC")
    # WeasyPrint's content sets a matrix outside any q … Q: the marks are drawn after it is restored
    page.obj.Contents = pdf.make_stream(b"q\n" + pikepdf.unparse_content_stream(
        pikepdf.parse_content_stream(page)) + b"\nQ\n" + drawing.encode())


def _mark_lines(trim: tuple[float, float, float, float], bleed: tuple[float, float, float, float]):
    """Eight lines, two at each corner, continuing the trim lines outwards, beyond the bleed by MARK_GAP."""
    left, bottom, right, top = trim
    b_left, b_bottom, b_right, b_top = (value + MARK_GAP for value in bleed)
    for y in (bottom, top):  # horizontal marks, left and right of the page
        yield (left - b_left, y), (left - b_left - MARK_LENGTH, y)
        yield (right + b_right, y), (right + b_right + MARK_LENGTH, y)
    for x in (left, right):  # vertical marks, below and above the page
        yield (x, bottom - b_bottom), (x, bottom - b_bottom - MARK_LENGTH)
        yield (x, top + b_top), (x, top + b_top + MARK_LENGTH)


def _registration_colour() -> Array:
    """/Separation /All: ink on every plate, the colour of printer's marks (tint 1: 100 % C, M, Y and K)."""
    tint = Dictionary(FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 1, 1, 1]),
                      N=1)
    return Array([Name("/Separation"), Name("/All"), Name("/DeviceCMYK"), tint])


def _rounded(values: list[float]) -> list[float]:
    return [round(value, 4) for value in values]


# --- Reading and writing -----------------------------------------------------------------------------------


def finish(data: bytes, intent: OutputIntent | None = None, srgb: bytes | None = None) -> bytes:
    """WeasyPrint's PDF with its artifacts marked and, given an output intent, finished for the press (with
    `srgb`, the ICC profile DeviceRGB stands for)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        mark_artifacts(pdf)
        if intent is not None:
            finish_press(pdf, intent, srgb)
        return save(pdf)


def save(pdf: pikepdf.Pdf) -> bytes:
    """The bytes of `pdf`, the same on every run: qpdf keeps the first half of /ID and derives the second from
    the content, and writes no date."""
    out = BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()
