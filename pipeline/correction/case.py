"""Letter case as OCR reads it: capitals that are small letters scaled up, and small letters that are capitals.

c, k, o, s, v, w, x and z differ from their capitals only in size, so OCR writes "Kỹ" for "kỹ"
mid-sentence and "sở" for "Sở" under a heading; an English model reads "Í" as "i" inside a word
in capitals and "Bộ" as "BO". These predicates tell the corrector where a word's case is OCR's and
not the writer's (who capitalises names, agencies and document kinds). Pure functions on the text.
"""

from __future__ import annotations

import itertools
from collections import Counter

from .shapes import _opens_line, _same_line
from .tokens import MIXED, WORD, Token
from .viet import has_marks, is_valid_syllable, strip_marks

STYLED_CAPITAL_COUNT = 3  # a capitalised word seen this often mid-sentence is the writer's style
# capitals whose shape is their small letter's, scaled up: OCR reads "kỹ" as "Kỹ" mid-sentence
_LOOKALIKE_CAPITALS = set("CKOSVWXZ")


def _lookalike_capital(text: str, tokens: list[Token], i: int, surface: str) -> bool:
    """Capitals that OCR may have made of small letters in the middle of a sentence: "Kỹ", "Sau",
    or "CƠ SỞ" whose every letter is a scaled-up small one."""
    if i == 0 or len(surface) < 2:
        return False
    if not (surface[1:].islower() and strip_marks(surface[0]) in _LOOKALIKE_CAPITALS) and not _all_lookalike(surface):
        return False
    while i > 0:
        prev = tokens[i - 1]
        gap = text[prev.end : tokens[i].start]
        if prev.kind != WORD or gap.strip():
            return False
        # a line may open with a capital after a title ("Hạnh phúc" / "Số: 87/BC"); after a
        # line of running text ("đạt kết quả như" / "Sau:") the capital is the slip
        if "\n" in gap and not _running_text_before(tokens, i - 1):
            return False
        if prev.text[:1].islower():
            return True
        if not _all_lookalike(prev.text):
            return False
        i -= 1
    return False


def _capitals_among_running_text(text: str, tokens: list[Token], i: int, word: str) -> bool:
    """A marked syllable in capitals after a word not in capitals and before a small word on its line;
    or one of a run of two or three syllables in capitals, one of them marked, between such words,
    the small one maybe on the next line ("giảm 30% số VỤ VI\nphạm")."""
    if not _capital_syllable(word) or i == 0 or i + 1 >= len(tokens):
        return False
    first = last = i
    while first > 0 and i - first < 2 and _capital_syllable(tokens[first - 1].text) and (
            not text[tokens[first - 1].end:tokens[first].start].strip()):
        first -= 1
    while last + 1 < len(tokens) and last - first < 2 and _capital_syllable(tokens[last + 1].text) and (
            not text[tokens[last].end:tokens[last + 1].start].strip()):
        last += 1
    if first == 0 or last + 1 >= len(tokens):
        return False
    run = [tokens[k].text for k in range(first, last + 1)]
    if not any(has_marks(w.replace("Đ", "D")) for w in run):
        return False
    before, after = tokens[first - 1], tokens[last + 1]
    # (the word before may end the line above: a wrapped sentence, "... ngày 03/01/2024 về\nVIỆC đẩy")
    between = text[tokens[last].end:after.start]
    return (before.kind == WORD and not before.text.isupper() and not text[before.end:tokens[first].start].strip()
            and after.kind == WORD and after.text.islower()
            and (_same_line(text, tokens[i], after) if len(run) == 1 else before.text.islower() and not between.strip()))


def _capital_syllable(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and is_valid_syllable(word)


def _capital_lost_under_heading(text: str, tokens: list[Token], i: int) -> bool:
    """A small letter that OCR made of a capital (c, k, o, s, v, w, x, z differ only in size)
    opening the line under a heading in capitals ("THÔNG BÁO" / "về việc tham dự"): the line under
    a heading of words opens with a capital (the corpus: 0 in 10,000 such lines but after a
    one-word abbreviation)."""
    tok = tokens[i]
    if (tok.kind != WORD or len(tok.text) < 2 or tok.text[:1].upper() not in _LOOKALIKE_CAPITALS
            or not tok.text.islower() or not _opens_line(text, tokens, i)):
        return False  # (a point's label, "c)", keeps its letter)
    above = text[:text.rfind("\n", 0, tok.start)].rstrip().rsplit("\n", 1)[-1].strip()
    return (len(above.split()) >= 2 and above.isupper() and sum(c.isalpha() for c in above) >= 4
            and not any(c.isdigit() or c == "/" for c in above))


def _capitals_among_small(text: str, tokens: list[Token], i: int) -> bool:
    """A short word in capitals between words that are not (an English model reads "Sở" as "SO",
    "Tổ" as "T6"): its capitals are the model's, not the writer's."""
    word = tokens[i].text
    if not (2 <= len(word) <= 3 and word.isupper()):
        return False
    around = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens) and _same_line(
        text, tokens[min(i, j)], tokens[max(i, j)])]
    if len(around) == 1 and i + 1 < len(tokens) and around[0] is tokens[i + 1]:
        # opening its line ("- BO tri", "- BO Y tế"): before a small word, or a letter and a small word
        after = [t for t in tokens[i + 1:i + 3] if _same_line(text, tokens[i], t)]
        return (after[0].kind == WORD and after[0].text.islower()) or (
            len(after) == 2 and len(after[0].text) == 1 and after[1].kind == WORD and after[1].text.islower())
    return len(around) == 2 and all(t.kind == WORD and not t.text.isupper() for t in around)


def _small_letter_among_capitals(text: str, tokens: list[Token], i: int) -> bool:
    """A word of capitals but for a small letter, between words in capitals on its line: an
    English model reads "Í", "Ĩ" as "i" ("CHU NGHiA VIET NAM", "KINH PHi"), so the word is in
    capitals too, not a title-case name ("MOi" for "Môi" stands among small words)."""
    word = tokens[i].text
    if word.isupper() or word.islower() or sum(c.isupper() for c in word) < 2:
        return False
    around = [tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens) and _same_line(
        text, tokens[min(i, j)], tokens[max(i, j)])]
    return bool(around) and all(t.kind != MIXED and len(t.text) >= 2 and t.text.isupper() for t in around)


def _odd_case(word: str) -> bool:
    """A syllable with a capital after a small letter ("kỊp", "gIa"): OCR's case slip, since
    Vietnamese writes no syllable so (brand names such as "VNeID" are no syllables)."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)) and is_valid_syllable(word)


def _capitals_then_small(word: str) -> bool:
    """A syllable with a small letter after two capitals ("VƯỢt", "ĐƯợc"): a case slip too, where
    the word is one (else it may be a speck's letters: "RẺng")."""
    return any(a.isupper() and b.isupper() and c.islower()
               for a, b, c in zip(word, word[1:], word[2:], strict=False)) and is_valid_syllable(word)


def _mixed_case(word: str) -> bool:
    """Capitals and small letters in no writer's pattern (neither all small, all capitals nor a
    capital first): "CÒNn", "ĐƯợc". OCR's, whatever the word turns out to be."""
    return not (word.islower() or word.isupper() or word.istitle())


def _running_text_before(tokens: list[Token], last: int) -> bool:
    """Whether the words up to ``last`` end in running text: two small-letter words."""
    return last >= 1 and all(
        tokens[j].kind == WORD and tokens[j].text[:1].islower() for j in (last - 1, last))


def _styled_capitals(text: str, tokens: list[Token]) -> set[str]:
    """Capitalised words the document writes mid-sentence again and again ("Chương trình", "Sở"):
    a habit of the writer, whereas OCR turns a small letter into a capital only now and then."""
    seen: Counter[str] = Counter()
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        if tok.kind == WORD and tok.text[:1].isupper() and prev.kind == WORD and not text[prev.end : tok.start].strip():
            seen[tok.text] += 1
    return {word for word, n in seen.items() if n >= STYLED_CAPITAL_COUNT}


def _all_lookalike(word: str) -> bool:
    return len(word) >= 2 and word.isupper() and set(strip_marks(word)) <= _LOOKALIKE_CAPITALS
