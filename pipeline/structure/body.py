"""Body tree: the numbering hierarchy used in Vietnamese letters, OCR slips tolerated.

Levels, outermost first: Phần, Chương, Mục, Điều N., I. II. (Roman), 1. / 1.1.
(khoản or item), a) b) đ) (điểm), '-' bullets, '+' bullets. A numbered line
closes every open node of the same or a deeper level and opens a child of the
nearest shallower one, so a letter that skips levels still nests sensibly.

A node's ``span`` covers its heading, its text and all its children in
Document.text, and its ``text`` is that slice (as the sample gold does); its
``number`` is the label without punctuation ("I", "1", "a", "Điều 1", "-").
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.model import Section
from pipeline.structure.lines import TextLine
from pipeline.structure.text import BULLET_CHARS, ends_sentence, fold, is_upper_text, squash

RANKS = {"part": 0.0, "chapter": 1.0, "muc": 2.0, "article": 3.0, "roman": 4.0, "arabic": 5.0, "letter": 6.0,
         "dash": 7.0, "plus": 8.0}
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_PART = re.compile(r"^\s*phan\s+(thu\s+\w+|[ivxl]+|\d+)\b\s*[.:]?\s*")
_CHAPTER = re.compile(r"^\s*chuong\s+([ivxl]+|\d+)\b\s*[.:]?\s*")
_MUC = re.compile(r"^\s*muc\s+(\d+|[ivx]+)\b\s*[.:]?\s*")
_ARTICLE = re.compile(r"^\s*dieu\s+([0-9l|]{1,3})\s*[.:]\s*")
_ROMAN = re.compile(r"^\s*([IVXLHl1|]{1,6})\s*[.)]\s*(?=\S|$)")
_ROMAN_BARE = re.compile(r"^\s*([IVX]{1,5})\s+(?=\S)")  # "II TỒN TẠI" (dot lost), only before capitals
_ARABIC = re.compile(r"^\s*(\d{1,2}|l)((?:\s?\.\s?\d{1,2})*)\s*[.)](?=\s|$)\s*")
_LETTER = re.compile(r"^\s*([a-zđ])\s*\)\s*")
_BULLET = re.compile(rf"^\s*([{re.escape(BULLET_CHARS.replace('+', ''))}])\s*(?=\S)")
_PLUS = re.compile(r"^\s*\+\s*(?=\S)")
# "5, Chủ tịch ..." / "III: TỔ CHỨC ...": the number's dot read as ',' or ':' (trusted only in sequence)
_SLIPPED_NUMBER = re.compile(r"^\s*(\d{1,2}|[IVX]{1,5})\s*[,:]\s+(?=[^\W\d_])")
CLOSING_START = re.compile(r"^\s*(tren day\b|nay[, ]\s*\w)")


@dataclass
class Marker:
    style: str
    label: str
    rest: int  # where the text after the label starts in the line

    @property
    def rank(self) -> float:
        return RANKS[self.style] + (0.1 * self.label.count(".") if self.style == "arabic" else 0.0)


def roman_value(token: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(token):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total if 0 < total <= 40 else None


def _fix_roman(token: str) -> str | None:
    """'II1' → 'III', 'Il' → 'II', 'H' → 'II', 'HI' → 'III'; None when it is not a Roman numeral."""
    if not any(c in "IVXH" for c in token):
        return None
    fixed = token.replace("H", "II").replace("l", "I").replace("L", "I").replace("1", "I").replace("|", "I")
    return fixed if roman_value(fixed) else None


def parse_marker(text: str, previous: str | None = None, *, wrapped: bool = False) -> Marker | None:
    """The numbering label that opens ``text``, if any. ``previous`` is the line before and ``wrapped``
    tells that this line continues it (a full line without a sentence end): then a dash is a hyphen."""
    folded = fold(text)
    for style, pattern in (("part", _PART), ("chapter", _CHAPTER), ("muc", _MUC)):
        match = pattern.match(folded)
        if match:
            label = squash(text[:match.end()]).rstrip(" .:")
            return Marker(style, label[:1].upper() + label[1:], match.end())
    match = _ARTICLE.match(folded)
    if match:
        number = match.group(1).replace("l", "1").replace("|", "1")
        return Marker("article", f"Điều {number}", match.end())
    match = _ROMAN.match(text)
    if match:
        roman = _fix_roman(match.group(1))
        if roman:
            return Marker("roman", roman, match.end())
    match = _ROMAN_BARE.match(text)
    if match and roman_value(match.group(1)) and is_upper_text(text[match.end():]):
        return Marker("roman", match.group(1), match.end())
    match = _ARABIC.match(text)
    if match:
        head = "1" if match.group(1) == "l" else match.group(1)
        tail = re.sub(r"\s", "", match.group(2))
        return Marker("arabic", f"{head}{tail}", match.end())
    match = _LETTER.match(text)
    if match:
        return Marker("letter", match.group(1), match.end())
    for style, pattern in (("plus", _PLUS), ("dash", _BULLET)):
        match = pattern.match(text)
        if match and not wrapped and _bullet_starts_item(text[match.end():], previous):
            label = "+" if style == "plus" else "-"
            return Marker(style, label, match.end())
    return None


def _bullet_starts_item(rest: str, previous: str | None) -> bool:
    """'- xã hội ...' after 'kinh tế' is a wrapped compound, not a bullet."""
    first = rest.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "(\"“'" or previous is None
                            or ends_sentence(previous))


@dataclass
class _Node:
    marker: Marker | None
    title: str | None = None
    children: list[_Node] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)  # every line of the subtree
    role: str = "other"


def _typical_length(lines: list[TextLine]) -> float:
    lengths = [len(line.text) for line in lines if len(line.text) > 20]
    return statistics.median(lengths) if lengths else 80.0


def _title_of(line: TextLine, marker: Marker, next_line: TextLine | None, typical: float,
              next_marker: Marker | None) -> str | None:
    """The heading text after the number, when the line is a heading ('I. MỤC ĐÍCH, YÊU CẦU',
    '1. Đánh giá chung'); None for an item that is a sentence or a lead-in ending with ':'."""
    stripped = line.text[marker.rest:].strip()
    if marker.style in ("dash", "plus") or not stripped or stripped.endswith(":"):
        return None
    if is_upper_text(stripped) or marker.style in ("part", "chapter", "muc"):
        return stripped
    breaks_after = (next_line is None or next_marker is not None or len(line.text) < 0.75 * typical
                    or (next_line.block != line.block and next_line.page == line.page))
    if breaks_after and not stripped.endswith((".", ";", ",")) and len(stripped) < 100:
        return stripped
    return None


def _wraps_on(lines: list[TextLine], index: int, typical: float) -> bool:
    """Line ``index`` continues the line before: same block, and that line is full and unfinished."""
    if index == 0:
        return False
    previous = lines[index - 1]
    return (previous.block == lines[index].block and not ends_sentence(previous.text)
            and len(previous.text) >= 0.85 * typical and parse_marker(previous.text) is None)


def starts_paragraph(lines: list[TextLine], index: int, typical: float) -> bool:
    if index == 0:
        return True
    previous, line = lines[index - 1], lines[index]
    return (previous.block != line.block or ends_sentence(previous.text)
            or len(previous.text) < 0.7 * typical)


def build_tree(lines: list[TextLine]) -> tuple[list[_Node], list[TextLine], list[TextLine]]:
    """(numbered top-level nodes, lines before the first number, closing lines)."""
    typical = _typical_length(lines)
    markers = [parse_marker(line.text, lines[i - 1].text if i else None, wrapped=_wraps_on(lines, i, typical))
               for i, line in enumerate(lines)]
    _recover_slipped_numbers(lines, markers, typical)
    final = _final_paragraph(lines, markers, typical)
    roots: list[_Node] = []
    stack: list[_Node] = []
    preamble: list[TextLine] = []
    closing: list[TextLine] = []
    index = 0
    while index < len(lines):
        line, marker = lines[index], markers[index]
        if roots and marker is None and (index == final or (starts_paragraph(lines, index, typical)
                                                            and CLOSING_START.match(fold(line.text)))):
            closing = lines[index:]
            break
        if marker is None:
            if stack:
                _append_text(stack, line)
            else:
                preamble.append(line)
            index += 1
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        title = _title_of(line, marker, following, typical, markers[index + 1] if following else None)
        node = _Node(marker=marker, title=title)
        while stack and stack[-1].marker.rank >= marker.rank:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        for ancestor in stack:
            ancestor.lines.append(line)
        stack.append(node)
        node.lines.append(line)
        index += 1
        # a heading in capitals may wrap onto a second line in capitals
        while (title and is_upper_text(title) and index < len(lines) and markers[index] is None
               and is_upper_text(lines[index].text) and len(lines[index].text) < 0.8 * typical):
            node.title = f"{node.title} {lines[index].text.strip()}".rstrip(" :")
            for member in stack:
                member.lines.append(lines[index])
            index += 1
    renumber(roots)
    return roots, preamble, closing


_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def _sequence_value(marker: Marker) -> int | None:
    if marker.style == "roman":
        return roman_value(marker.label)
    if marker.style == "arabic" and marker.label.isdigit():
        return int(marker.label)
    return None


def _label_for(style: str, value: int) -> str:
    return _ROMANS[value - 1] if style == "roman" else str(value)


def renumber(nodes: list[_Node]) -> None:
    """Repair misread numbers in a run of siblings: I, II, II, IV → I, II, III, IV (and II1 read as II).

    Only when the run never goes down and every value is at most one away from its place."""
    for style in ("roman", "arabic"):
        run = [n for n in nodes if n.marker and n.marker.style == style and _sequence_value(n.marker)]
        if not 3 <= len(run) <= len(_ROMANS):
            continue
        values = [_sequence_value(n.marker) for n in run]
        expected = list(range(1, len(run) + 1))
        steady = all(b >= a for a, b in zip(values, values[1:], strict=False))
        if values != expected and steady and all(abs(v - e) <= 1 for v, e in zip(values, expected, strict=True)):
            for node, value in zip(run, expected, strict=True):
                node.marker = Marker(node.marker.style, _label_for(style, value), node.marker.rest)
    for node in nodes:
        renumber(node.children)


def _recover_slipped_numbers(lines: list[TextLine], markers: list[Marker | None], typical: float) -> None:
    """Read '5, Chủ tịch ...' as item 5 when it opens a paragraph with a capital right after item 4."""
    last: dict[str, int] = {}
    for index, line in enumerate(lines):
        marker = markers[index]
        if marker is not None:
            value = _sequence_value(marker)
            if value is not None:
                last[marker.style] = value
            continue
        match = _SLIPPED_NUMBER.match(line.text)
        if not match or not line.text[match.end()].isupper() or not starts_paragraph(lines, index, typical):
            continue
        token = match.group(1)
        style = "arabic" if token.isdigit() else "roman"
        value = int(token) if token.isdigit() else roman_value(token)
        if value is not None and value > 1 and last.get(style) == value - 1:
            markers[index] = Marker(style, token, match.end())
            last[style] = value


def _final_paragraph(lines: list[TextLine], markers: list[Marker | None], typical: float) -> int | None:
    """Start of a last unnumbered paragraph ending the letter ('./.', or '.' when OCR lost the slash)
    after numbered items: the closing ('Đề nghị ... ./.', '(Thông báo này thay cho Giấy mời)./.')."""
    if not lines or not any(markers) or not lines[-1].text.rstrip().endswith("."):
        return None
    for index in range(len(lines) - 1, 0, -1):
        if markers[index] is not None:
            return None
        if starts_paragraph(lines, index, typical):
            after_heading = markers[index - 1] is not None and not ends_sentence(lines[index - 1].text)
            return index if any(markers[:index]) and not after_heading else None
    return None


def _append_text(stack: list[_Node], line: TextLine) -> None:
    for member in stack:
        member.lines.append(line)


def _span(lines: list[TextLine]) -> tuple[int, int] | None:
    spans = [line.span for line in lines if line.span is not None]
    if not spans:
        return None
    return (spans[0][0], spans[-1][1])


def section_text(lines: list[TextLine], text: str) -> str:
    """The section as it stands in Document.text (heading included), or its lines joined."""
    span = _span(lines)
    if span is not None and text:
        return text[span[0]:span[1]]
    return "\n".join(line.text for line in lines)


def to_section(node: _Node, text: str) -> Section:
    return Section(number=node.marker.label if node.marker else None, title=node.title, role=node.role,
                   text=section_text(node.lines, text), span=_span(node.lines),
                   children=[to_section(child, text) for child in node.children])


def lines_section(lines: list[TextLine], role: str, text: str, title: str | None = None) -> Section:
    return Section(title=title, role=role, text=section_text(lines, text), span=_span(lines))


def paragraphs(lines: list[TextLine]) -> list[list[TextLine]]:
    """Split lines into paragraphs (a line starts one after a break, a sentence end or a short line)."""
    typical = _typical_length(lines)
    result: list[list[TextLine]] = []
    for index, line in enumerate(lines):
        if not result or starts_paragraph(lines, index, typical) or parse_marker(
                line.text, lines[index - 1].text if index else None, wrapped=_wraps_on(lines, index, typical)):
            result.append([line])
        else:
            result[-1].append(line)
    return result
