"""Subsets the Noto fonts for the web pages (called by scripts/subset-fonts).

For each font family the pages use, writes two faces per weight into
queue-server/src/web/assets/fonts/:
- `<font>.subset.woff2`: only the characters the pages can show (the visitor texts in all ten
  languages, the sample building's names, every non-ASCII character in the pages' sources,
  printable ASCII and Latin-1, and the alphabets of the building's languages, so a building's
  own names seldom need more), with every OpenType layout feature kept so Arabic joins and
  Ethiopic draws exactly as with the full font;
- `<font>.woff2`: the whole font, whose `unicode-range` is everything the font has beyond the
  subset: a browser fetches it only when a page shows such a character (staff-entered text).
and fonts.css with the @font-face rules (the subset's `unicode-range` is exactly its cmap).
"""

import io
import pathlib
import tomllib

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assets" / "fonts"
WEB = ROOT / "queue-server" / "src" / "web"
OUT = WEB / "assets" / "fonts"

def cyrillic(point):
    return 0x0400 <= point <= 0x052F


# (CSS family, font file stem, its subsets: (name, which code points)); Noto Sans is split
# so that a Latin page does not fetch the Cyrillic glyphs nor a Cyrillic page the Latin
# ones beyond what it shows.
FAMILIES = [
    ("Lotse Sans", "NotoSans", [("subset-latin", lambda p: not cyrillic(p)), ("subset-cyrillic", cyrillic)]),
    ("Lotse Arabic", "NotoSansArabic", [("subset", lambda p: True)]),
    ("Lotse Ethiopic", "NotoSansEthiopic", [("subset", lambda p: True)]),
]
# (CSS weight, file weight).
WEIGHTS = [("400", "Regular"), ("600 700", "Bold")]


def strings(value):
    """Every string inside a parsed TOML value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def page_characters():
    """The characters the pages can show, from the texts and sources that hold them."""
    text = []
    text += strings(tomllib.loads((WEB / "status_texts.toml").read_text("utf-8")))
    building = ROOT / "queue-server" / "src" / "config" / "building.toml"
    text += strings(tomllib.loads(building.read_text("utf-8")))
    # The pages' fixed texts (German and English staff pages, the display's captions).
    for pattern in ["*.rs", "assets/*.js"]:
        for path in sorted(WEB.glob(pattern)):
            text.append(path.read_text("utf-8"))
    text.append((ROOT / "queue-server" / "protocol" / "src" / "display.rs").read_text("utf-8"))
    characters = {ord(c) for c in "".join(text) if not c.isspace() or c == " "}
    # Printable ASCII and Latin-1, the arrows and quotes of the staff pages.
    characters |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    characters |= {ord(c) for c in "–—‘’‚“”„…•·€→←↑↓✓×"}
    # The alphabets of the building's languages beyond Latin-1.
    characters |= {ord(c) for c in "ĞğİıŞşŒœŸÇç"}  # Turkish, French
    characters |= set(range(0x0410, 0x0450)) | {ord(c) for c in "ЁёЄєІіЇїҐґʼ"}  # Russian, Ukrainian
    characters |= set(range(0x0621, 0x063B)) | set(range(0x0640, 0x0656))  # Arabic letters, marks
    characters |= set(range(0x0660, 0x066E))  # Arabic-Indic digits, signs
    characters |= {ord(c) for c in "،؛؟پچژکگیۀە"}  # Arabic punctuation, Persian
    characters |= set(range(0x06F0, 0x06FA))  # Persian digits
    characters |= {ord(c) for c in "ټځڅډړږښګڼۍېی"}  # Pashto
    characters |= {0x200C, 0x200D, 0x200E, 0x200F}  # joiners and direction marks
    characters |= set(range(0x1361, 0x1369))  # Ethiopic punctuation
    return characters


def ranges(codepoints):
    """A CSS unicode-range value: the code points as few ranges."""
    parts, points = [], sorted(codepoints)
    start = previous = None
    for point in points + [None]:
        if start is not None and point == previous + 1:
            previous = point
            continue
        if start is not None:
            parts.append(f"U+{start:X}" if start == previous else f"U+{start:X}-{previous:X}")
        start = previous = point
    return ", ".join(parts)


def woff2(font):
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


def subset_font(source, unicodes):
    """The font `source` with only `unicodes` and the glyphs they need."""
    options = subset.Options()
    # The default features are every one a browser applies by itself (joining forms,
    # ligatures, marks, kerning): shaping as with the full font; stylistic sets go.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    font = TTFont(source, recalcTimestamp=False)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    return font


def face(family, weight, file, codepoints):
    """An @font-face rule for `file` with exactly `codepoints` as its unicode-range."""
    return (
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-display: swap;'
        f' src: url("/assets/fonts/{file}") format("woff2"); unicode-range: {ranges(codepoints)}; }}'
    )


def main():
    wanted = page_characters()
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.woff2"):
        stale.unlink()
    rules = [
        "/* Generated by scripts/subset-fonts: do not edit. The Noto fonts (SIL Open Font License,",
        "   assets/fonts/OFL.txt). Each family has a small subset with the characters the pages can",
        "   show and the whole font for anything else; unicode-range lets a browser fetch only the",
        "   files whose characters a page shows. */",
    ]
    for family, stem, parts in FAMILIES:
        for css_weight, weight in WEIGHTS:
            source = SOURCE / f"{stem}-{weight}.ttf"
            cmap = set(TTFont(source, recalcTimestamp=False).getBestCmap())
            full_name = f"{stem}-{weight}.woff2"
            (OUT / full_name).write_bytes(woff2(TTFont(source, recalcTimestamp=False)))
            faces, in_subsets = [], set()
            for part, belongs in parts:
                kept = sorted(p for p in wanted & cmap if belongs(p))
                small = subset_font(source, kept)
                subset_cmap = set(small.getBestCmap())
                in_subsets |= subset_cmap
                subset_name = f"{stem}-{weight}.{part}.woff2"
                (OUT / subset_name).write_bytes(woff2(small))
                faces.append(face(family, css_weight, subset_name, subset_cmap))
                print(f"{subset_name}: {len(subset_cmap)} characters, {(OUT / subset_name).stat().st_size} B")
            # The whole font first: where ranges overlapped, the later rule would win.
            rules.append(face(family, css_weight, full_name, cmap - in_subsets))
            rules += faces
            print(f"{full_name}: {(OUT / full_name).stat().st_size} B")
    (WEB / "assets" / "fonts.css").write_text("\n".join(rules) + "\n", "utf-8")


if __name__ == "__main__":
    main()
