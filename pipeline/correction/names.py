"""Where a letter names people, places and agencies: labels for the tokens of such names.

Pure functions on the text and its tokens. Each returns {token index: label}; the corrector
turns a label into readings and bonuses for that slot (``Corrector._make_slot``):

- ``_inside_names``: a person's name, opened by a family name's letters or by Ông/Bà (a small
  "ba" or "ong" too, before a whole name): FAMILY_NAME, MIDDLE_NAME, GIVEN_NAME, TITLE;
- ``_inside_places``, ``_listed_places``, ``_spelled_places``: a place's name after its unit,
  on the place-and-date line, or spelled as a name of underthesea's gazetteer: PLACE_FIRST,
  PLACE_NEXT, PLACE_UNIT, PLACE_LISTED, PLACE_SPELLED + the name's word;
- ``_agency_unit_slots``: "tính" closing an agency's name before a clause's end (PLACE_UNIT);
- ``_year_names``, ``_after_parens``, ``_number_labels``: a year of the sexagenary cycle, a word
  that lost its first letters into a "(", the "Số" label of a letter's number.

And ``name_agreement_doubts``, on the corrector's changes: a name the letter writes more than once
is read alike at each place.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Container

from .segment import canonical
from .shapes import _same_line, _with_doubts
from .tokens import MIXED, WORD, Token
from .viet import apply_case, has_marks, strip_marks

FAMILY_NAME, MIDDLE_NAME, GIVEN_NAME, TITLE = "family", "middle", "given", "title"


PLACE_FIRST, PLACE_NEXT = "place-first", "place-next"


# a run of capitalised words that spells, as read, a name of underthesea's gazetteer of administrative
# units ("Ba Động", "Sơn\nTịnh", two words or more) is read as it stands: the place list's counts
# would rather read a rare name's word as a common one ("Ba Đông"), and a name after a list's comma
# has no unit before it ("các huyện: Bình Sơn, Sơn\nTịnh, Ba Tơ")
PLACE_LISTED = "place-listed"


# ...and a place's name after its unit (or before ", ngày"), read without marks, whose letters spell
# one gazetteer name only, takes that name's marks: "xa Ba Dong, huyen Ba To" is "xã Ba Động, huyện
# Ba Tơ" (the place list's counts read "Ba Đông", "Ba Tô"). Its words must be unmarked as read
# (any word of de-accented text), and the whole run must be the name
PLACE_SPELLED = "place-spelled:"


YEAR_NAME = "year-name"  # a year's name in the sexagenary cycle ("Nhâm Dần"), read as it stands


# a people's or a language's name after "đồng bào", "dân tộc", "tiếng" ("dân tộc Dao", "tiếng Khmer",
# "đồng bào Ê Đê"): read surely, it is kept as read, as a person's name is ("Dao" is no "Đào")
PEOPLE_NAME = "people-name"
PEOPLE_WORDS = frozenset({("đồng", "bào"), ("dân", "tộc"), ("tiếng",)})
MAX_PEOPLE_NAME_WORDS = 3  # "Bru - Vân Kiều" aside, the 54 peoples' names have one to three words


_GAZETTEER_UNITS = ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Xã", "Phường", "Đặc khu")


_GAZETTEER_UNIT_KINDS = frozenset(strip_marks(unit.lower()) for unit in _GAZETTEER_UNITS)  # "thi tran", "xa"


# ...and the unit before a place's name reads as the unit: "TÍNH QUẢNG NGÃI" under "ỦY BAN NHÂN DÂN"
# is "TỈNH" (the LM, across the line break, hardly weighs in against OCR's confident mark)
PLACE_UNIT = "place-unit"


# the label of the letter's number, opening its line before a colon and the number's code ("Số: 03/CT-UBND",
# read "S6: 03/CT-UBND" by an English model): "số" gains NUMBER_LABEL_BONUS there. The corpus of laws rarely
# keeps its documents' headers, so the LM alone reads the label as a number
NUMBER_LABEL = "number-label"


# a word right after "(": the bracket's curve may swallow the letters that open it ("(hông qua" for
# "(thông qua", "(ước ngày" for "(trước", "(iết tắt" for "(viết"). Each word the lost letters would
# complete is a reading at PAREN_SWALLOW_LOGP per letter lost; the LM weighs it
AFTER_PAREN = "after-paren"


_AGENCY_ENDS = frozenset({"ngành", "thể", "ban"})  # "các sở, ban, ngành tỉnh", "đoàn thể tỉnh"


# ...or after an agency's name opened by one of these, capitalised, a few small words back on its line
# ("Văn phòng Đăng ký đất đai tỉnh", "Ban Tiếp công dân tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh")
_AGENCY_HEADS = frozenset({("văn", "phòng"), ("bộ", "chỉ"), ("công", "an"), ("chi", "cục"), ("trung", "tâm"),
                           ("ủy", "ban"), ("hội", "đồng"), ("thanh", "tra"), ("kho", "bạc"), ("ngân", "hàng"),
                           ("liên", "đoàn"), ("bảo", "hiểm"), ("tòa", "án"), ("viện", "kiểm"), ("sở",), ("ban",),
                           ("cục",), ("phòng",), ("đài",), ("báo",), ("đoàn",)})


AGENCY_HEAD_REACH = 6  # words


_UNIT_MISREADS = frozenset({"tính", "tinh"})


MAX_PLACE_WORDS = 4


# units whose name follows ("thị xã", "thị trấn", "thành phố", "khu phố" by their last word);
# "quận" only with its mark: unmarked "quan" is mostly "cơ quan"
_PLACE_UNITS = frozenset({"tinh", "huyen", "xa", "phuong", "thon", "ap"})


_PLACE_UNIT_PAIRS = frozenset({("thi", "tran"), ("thanh", "pho"), ("khu", "pho")})


_PLACE_UNIT_LETTERS = _PLACE_UNITS | {last for _, last in _PLACE_UNIT_PAIRS} | {"quan"}  # letters a unit ends with


NAME_PARTS_MAKE_NAMES = True  # see _inside_names


_LINE_BREAK = re.compile("\n")


# the years of the sexagenary cycle ("Nhâm Dần", "Giáp Thìn"), named in every letter about Tết; the laws
# of the corpus hardly write them. (Pairs stem-branch of the same parity: 60 of the 120.)
_STEMS = ("giáp", "ất", "bính", "đinh", "mậu", "kỷ", "canh", "tân", "nhâm", "quý")


_BRANCHES = ("tý", "sửu", "dần", "mão", "thìn", "tỵ", "ngọ", "mùi", "thân", "dậu", "tuất", "hợi")


_CYCLE_YEARS = frozenset((_STEMS[k % 10], _BRANCHES[k % 12]) for k in range(60)) | frozenset(
    (canonical(stem), canonical(branch)) for stem, branch in (("kỉ", "tị"), ("quí", "tị")))


# the titles written before a person's name, without marks: "Ông", "Bà"; a teacher's "Thầy", "Cô"
_TITLES = ("ong", "ba", "co", "thay")


def _inside_names(text: str, groups: list[list[int]], tokens: list[Token], family_letters: frozenset[str],
                  name_parts: frozenset[str] = frozenset()) -> dict[int, str]:
    """Words after the family name of a person's name: in a run of words in title case opened by
    a word whose letters spell a family name ("Huynh Ngoc Diem"), or by a title (_TITLES) and one ("Ông Dang
    Van Khai"), the words after that family name (at most three): the last GIVEN_NAME, those
    before it MIDDLE_NAME; the family name itself (FAMILY_NAME) where a title or a middle name
    Văn/Thị makes the run a name, and that TITLE."""
    found: dict[int, str] = {}
    for group in groups:
        titled = [i >= 0 and tokens[i].kind == WORD and tokens[i].text[:1].isupper() and not tokens[i].text.isupper()
                  for i in group]
        if True not in titled:
            continue
        for k, i in enumerate(group):
            if not titled[k] or (k > 0 and titled[k - 1]):
                continue  # not the start of a run
            start = k + 1 if strip_marks(tokens[i].text.lower()) in _TITLES else k
            if start >= len(group) or not titled[start] or strip_marks(
                    tokens[group[start]].text.lower()) not in family_letters:
                continue
            run = start + 1
            while run < len(group) and titled[run]:
                run += 1
            if start > k and run - start < 2:
                start = k  # "Ba Tơ", "Ba Đình", "Ba Lan": places; a title is followed by a whole name
                if strip_marks(tokens[i].text.lower()) not in family_letters:
                    continue
            middle = run - start >= 3 and strip_marks(tokens[group[start + 1]].text.lower()) in ("van", "thi")
            # the signer's line: a name alone on its line under a title in capitals ("PHÓ CHỦ TỊCH")
            middle = middle or (run - start >= 2 and _signer_line(text, tokens, group[start], group[run - 1]))
            # ...or two words after it that are, as read, a middle and a given name ("TT Trương Hòa Bình")
            middle = middle or (NAME_PARTS_MAKE_NAMES and run - start == 3 and all(
                canonical(tokens[group[k]].text) in name_parts for k in (start + 1, start + 2)))
            if start > k:
                found[i] = TITLE  # "Ong/Ba" before a family name: "Ông", "Bà", not "ống", "ba"
            elif k > 0 and run - start >= 3 and _small_title(tokens[group[k - 1]]):
                found[group[k - 1]] = TITLE  # "liên hệ ba Phan Thị Thanh Nhàn": "bà", before a whole name
            if start > k or middle:
                # the family name after a title ("Ông Đặng", not "Ông Đảng"), or before Văn/Thị and a
                # given name ("Đỗ Thị Mai" on the signer's line, not "Đô thị")
                found[group[start]] = FAMILY_NAME
            last = min(run, start + 4) - 1
            for place in range(start + 1, last + 1):
                found[group[place]] = GIVEN_NAME if place == last else MIDDLE_NAME
    return found


def _small_title(tok: Token) -> bool:
    return tok.kind == WORD and tok.text.islower() and strip_marks(tok.text) in ("ong", "ba")


def _inside_places(text: str, groups: list[list[int]], tokens: list[Token]) -> dict[int, str]:
    """Words of a place's name: the capitalised words (at most four, on one line) after an
    administrative unit ("xã Tan Hiep", "UBND TỈNH HOA LAM": capitals after a unit in capitals),
    and those before the date of the place-and-date line ("Hoa Lam, ngày 15 tháng 3"); PLACE_FIRST
    for the first, PLACE_NEXT for the others; PLACE_UNIT for the unit."""
    found: dict[int, str] = {}
    for group in groups:
        members = [i for i in group if i >= 0]
        for k, i in enumerate(members):
            tok = tokens[i]
            if tok.kind != WORD:
                continue
            lower = tok.text.lower()
            letters = lower if lower.isascii() else strip_marks(lower)
            if letters not in _PLACE_UNIT_LETTERS:
                continue  # (no unit ends so: skips the look at the word before)
            previous = strip_marks(tokens[members[k - 1]].text.lower()) if k > 0 else ""
            unit = (letters in _PLACE_UNITS or (previous, letters) in _PLACE_UNIT_PAIRS
                    or tok.text.lower() == "quận")
            social = letters == "xa" and k + 1 < len(members) and strip_marks(
                tokens[members[k + 1]].text.lower()) == "hoi"  # "xã hội"
            following = members[k + 1:]
            if not following and i + 1 < len(tokens) and text[tok.end:tokens[i + 1].start].strip(" \t") == "\n":
                # a line wrapped between the unit and its name ("huyện\nMộ Đức"): the name opens the next group
                following = list(range(i + 1, min(i + 1 + MAX_PLACE_WORDS, len(tokens))))
            marked = unit and not social and _mark_place(text, tokens, following, tok.text.isupper(), found)
            if marked and (letters in _PLACE_UNITS or letters == "quan"):
                found[i] = PLACE_UNIT
    for k, tok in enumerate(tokens):
        if k < 2 or len(tok.text) != 4 or tok.kind != WORD or strip_marks(tok.text.lower()) != "ngay":
            continue
        last = tokens[k - 1]
        if text[last.end:tok.start].strip() != "," or not any(
                strip_marks(t.text.lower()) == "thang" for t in tokens[k + 1:k + 5]):
            continue
        # the place before ", ngày ... tháng": back to the line's start or what is no capitalised
        # word ("S6: 03/CT-UBND Hoa Lam, ngay 02 thang 6": header columns read across)
        first = k - 1
        while (first > 0 and k - first < MAX_PLACE_WORDS and tokens[first - 1].kind == WORD
               and tokens[first - 1].text[:1].isupper() and _same_line(text, tokens[first - 1], last)
               and not text[tokens[first - 1].end:tokens[first].start].strip()):
            first -= 1
        _mark_place(text, tokens, list(range(first, k)), tokens[first].text.isupper(), found, whole=True)
    return found


_MAX_LISTED_WORDS = 4


def _listed_places(text: str, tokens: list[Token], names: Container[tuple[str, ...]]) -> dict[int, str]:
    """PLACE_LISTED for the words of each run of capitalised words, one space or line break apart,
    that spells a gazetteer name as read (the longest first, from the left). Not in capitals:
    "CỘNG HÒA XÃ HỘI" is no "xã Cộng Hòa"."""
    found: dict[int, str] = {}
    i = 0
    while i < len(tokens):
        for size in range(_MAX_LISTED_WORDS, 1, -1):
            run = tokens[i:i + size]
            if (len(run) == size and all(t.kind == WORD and t.text.istitle() for t in run)
                    and all(not text[a.end:b.start].strip() for a, b in itertools.pairwise(run))
                    and tuple(canonical(t.text) for t in run) in names):
                found.update(dict.fromkeys(range(i, i + size), PLACE_LISTED))
                i += size - 1
                break
        i += 1
    return found


_PLACE_RUN_LABELS = (PLACE_UNIT, PLACE_FIRST, PLACE_NEXT)


def _place_runs(text: str, tokens: list[Token], in_names: dict[int, str]) -> list[list[int]]:
    """Runs of capitalised words, one space or line break apart, that the place rules marked (a
    unit's word may open one: "xa Tinh Phong" reads "Tinh" as a unit before "Phong"), each
    holding a place's first word."""
    runs: list[list[int]] = []
    for i in sorted(in_names):
        tok = tokens[i]
        if in_names[i] not in _PLACE_RUN_LABELS or tok.kind != WORD or not tok.text[:1].isupper():
            continue
        if (runs and runs[-1][-1] == i - 1 and not text[tokens[i - 1].end:tok.start].strip()
                and not (in_names[i] == PLACE_UNIT and in_names[i - 1] != PLACE_UNIT)):
            runs[-1].append(i)  # (a unit after a name opens the next one: "TỈNH QUẢNG NGÃI\nHUYỆN SƠN TỊNH")
        else:
            runs.append([i])
    return [run for run in runs if any(in_names[i] == PLACE_FIRST for i in run)]


def _unit_before(tokens: list[Token], i: int) -> str:
    """The kind of unit named right before token i, without marks ("huyen", "thi tran"), or ""."""
    words = [strip_marks(tokens[k].text.lower()) for k in (i - 2, i - 1) if k >= 0 and tokens[k].kind == WORD]
    if len(words) == 2 and " ".join(words) in _GAZETTEER_UNIT_KINDS:
        return " ".join(words)
    return words[-1] if words and words[-1] in _GAZETTEER_UNIT_KINDS else ""


def _spelled_places(text: str, tokens: list[Token], in_names: dict[int, str],
                    spellings: dict[tuple[str, ...], tuple[tuple[str, ...], ...]],
                    gazetteer: dict[tuple[str, ...], tuple[frozenset[tuple[str, ...]], frozenset[str]]],
                    marks_lost: bool) -> dict[int, str]:
    """PLACE_SPELLED labels (with the word to read) for a place's words read without marks (or in
    text that lost them) whose letters spell a gazetteer name: the one name they spell, or the one
    of several that is a unit of the kind named before it ("huyen Ba To" is the district "Ba Tơ",
    not the commune "Ba Tô") and lies in a province the document names. The run's leading unit
    words may be left out."""
    candidates = []  # (token indices, names their letters spell, the kind of unit before them)
    named_provinces: set[tuple[str, ...]] = set()
    for run in _place_runs(text, tokens, in_names):
        for k in range(len(run) - 1):
            if k > 0 and in_names[run[k - 1]] != PLACE_UNIT:
                break
            part = run[k:]
            names = spellings.get(tuple(strip_marks(tokens[i].text.lower()) for i in part))
            if names:
                read = tuple(canonical(tokens[i].text) for i in part)
                named_provinces.update(name for name in names if name in gazetteer[name][0]
                                       and (len(names) == 1 or name == read))
                if marks_lost or not any(has_marks(tokens[i].text) for i in part):
                    candidates.append((part, names, _unit_before(tokens, part[0])))
                break
    found: dict[int, str] = {}
    for part, names, unit in candidates:
        if len(names) > 1 and unit:
            names = tuple(name for name in names if unit in gazetteer[name][1]) or names
        if len(names) > 1:
            names = tuple(name for name in names if gazetteer[name][0] & named_provinces)
        if len(names) == 1:
            found.update({i: PLACE_SPELLED + word for i, word in zip(part, names[0], strict=True)})
    return found


def _closes_agency_name(text: str, tokens: list[Token], i: int) -> bool:
    """Token i ends an agency's name: within AGENCY_HEAD_REACH words back, with nothing but words,
    spaces and " - " between, a capitalised head of one (_AGENCY_HEADS: "Văn phòng", "Sở")."""
    for k in range(i - 1, max(i - 1 - AGENCY_HEAD_REACH, -1), -1):
        if tokens[k].kind != WORD or text[tokens[k].end:tokens[k + 1].start].strip() not in ("", "-", "–"):
            return False
        if tokens[k].text[:1].isupper():
            head = tuple(canonical(t.text) for t in tokens[k:k + 2])
            if head[:1] in _AGENCY_HEADS or head in _AGENCY_HEADS and k + 1 < i:
                return True
    return False


def _agency_unit_slots(text: str, tokens: list[Token]) -> dict[int, str]:
    """PLACE_UNIT for "tính" right after an agency's name, before a clause's end or the next word
    (see the corrector's AGENCY_UNIT_SLOTS)."""
    found = {}
    for i in range(1, len(tokens)):
        if tokens[i].kind != WORD or canonical(tokens[i].text) not in _UNIT_MISREADS:
            continue
        after = text[tokens[i].end:tokens[i + 1].start if i + 1 < len(tokens) else len(text)].strip(" \t")
        # (what follows may also be a word one space away: "báo cáo UBND tính trước ngày" is "tỉnh";
        # only the LM then speaks against the unit, as for "Cách tính thuế". Measured: keeping only
        # clause ends lost that right fix on a born-digital render and changed nothing else)
        if (text[tokens[i - 1].end:tokens[i].start] == " " and (not after or after[0] in ";,.\n")
                and _unit_of_agency(text, tokens, i, heads=True)):
            found[i] = PLACE_UNIT
    return found


def _unit_of_agency(text: str, tokens: list[Token], i: int, heads: bool) -> bool:
    """Token i stands where a unit closes an agency's name: after a capitalised word ("Cục Thuế
    tỉnh"), after "ngành", "thể", "ban" ("đoàn thể huyện"), or (``heads``) after a name opened by
    an agency's head a few words back (``_closes_agency_name``)."""
    before = tokens[i - 1].text
    return (before[:1].isupper() or canonical(before) in _AGENCY_ENDS
            or heads and _closes_agency_name(text, tokens, i))


def _year_names(text: str, tokens: list[Token]) -> dict[int, str]:
    """YEAR_NAME for a year of the sexagenary cycle as read, its two words capitalised and one space
    or line break apart ("Nhâm\nDần"): it is read as it stands."""
    found: dict[int, str] = {}
    for i, (stem, branch) in enumerate(itertools.pairwise(tokens)):
        if (stem.kind == branch.kind == WORD and stem.text[:1].isupper() and branch.text[:1].isupper()
                and not text[stem.end:branch.start].strip()
                and (canonical(stem.text), canonical(branch.text)) in _CYCLE_YEARS):
            found[i] = found[i + 1] = YEAR_NAME
    return found


_BEFORE_YEAR_NAME = frozenset({"năm", "tết", "xuân", "đán", "mới"})


def year_branch_fixes(text: str, tokens: list[Token]) -> dict[int, str]:
    """The branch of a sexagenary year whose marks OCR lost or misread, after its stem read right
    ("Tết Nguyên đán Ất Ty" -> "Tỵ"): of the branches spelled with those letters, the one the stem
    pairs with in the cycle ("Ất" pairs with "Tỵ", never "Tý"). The legal LM knows no "tỵ" and
    reads "Tỷ". Only where a year stands: after "Tết", "Xuân", "Nguyên đán", "năm"..., or before
    "năm" or a year's figures ("Tân Mão" may name a person). Token index -> the branch, in the
    token's case."""
    fixes: dict[int, str] = {}
    for i, (stem, branch) in enumerate(itertools.pairwise(tokens)):
        if (stem.kind != WORD or branch.kind != WORD or not stem.text.istitle() or not branch.text[:1].isupper()
                or text[stem.end:branch.start].strip() or canonical(stem.text) not in _STEMS):
            continue
        before = canonical(tokens[i - 1].text) if i > 0 else ""
        after = tokens[i + 2].text if i + 2 < len(tokens) else ""
        if before not in _BEFORE_YEAR_NAME and canonical(after) != "năm" and not (after.isdigit() and len(after) == 4):
            continue
        read = canonical(branch.text)
        fits = [b for b in _BRANCHES if strip_marks(b) == strip_marks(read)
                and (canonical(stem.text), b) in _CYCLE_YEARS]
        if len(fits) == 1 and fits[0] != read:
            fixes[i + 1] = apply_case(branch.text, fits[0])
    return fixes


def names_a_people(tokens: list[Token], i: int) -> bool:
    """The word follows "đồng bào", "dân tộc" or "tiếng" (PEOPLE_WORDS): a people's or a language's
    name stands there, in capitals by rule ("đồng bào Chăm", "dân tộc Mông", "tiếng Khmer"); the
    legal LM seldom saw them and would write "chăm"."""
    return any(i >= len(words) and tuple(canonical(tok.text) for tok in tokens[i - len(words):i]) == words
               for words in PEOPLE_WORDS)


def _people_names(text: str, tokens: list[Token]) -> dict[int, str]:
    """The words in title case after "đồng bào", "dân tộc" or "tiếng" on the same line (PEOPLE_NAME)."""
    found: dict[int, str] = {}
    for i in range(1, len(tokens)):
        if not names_a_people(tokens, i):
            continue
        for k in range(i, min(i + MAX_PEOPLE_NAME_WORDS, len(tokens))):
            tok = tokens[k]
            if tok.kind != WORD or not tok.text.istitle() or "\n" in text[tokens[k - 1].end:tok.start]:
                break
            found[k] = PEOPLE_NAME
    return found


def _after_parens(text: str, tokens: list[Token]) -> dict[int, str]:
    """Small-letter words of two letters or more right after "(" (see AFTER_PAREN)."""
    return {i: AFTER_PAREN for i, tok in enumerate(tokens)
            if tok.kind == WORD and tok.start > 0 and text[tok.start - 1] == "(" and len(tok.text) >= 2
            and tok.text[:1].islower()}


def _number_labels(text: str, tokens: list[Token]) -> dict[int, str]:
    """Tokens opening a line right before a colon and a code with a slash ("S6: 03/CT-UBND")."""
    found = {}
    for i in _line_starts(text, tokens):
        if i + 1 < len(tokens) and tokens[i].kind in (WORD, MIXED) and len(tokens[i].text) <= 3:
            code = tokens[i + 1]
            if text[tokens[i].end:code.start].strip() == ":" and "/" in code.text and code.text[:1].isdigit():
                found[i] = NUMBER_LABEL
    return found


def _mark_place(text: str, tokens: list[Token], following: list[int], capitals: bool, found: dict[int, str],
                whole: bool = False) -> int:
    """Mark the run of capitalised words that opens ``following`` (all of it with ``whole``); how
    many were marked."""
    run: list[int] = []
    for i in following[:MAX_PLACE_WORDS]:
        tok = tokens[i]
        if (tok.kind != WORD or not tok.text[:1].isupper() or tok.text.isupper() != capitals and len(tok.text) > 1
                or run and not _same_line(text, tokens[run[-1]], tok)):
            break
        run.append(i)
        if text[tok.end:tok.end + 1] in (",", ";", ":", ".", ")"):
            break
    if whole and len(run) < len(following[:MAX_PLACE_WORDS]):
        return 0
    for k, i in enumerate(run):
        found[i] = PLACE_FIRST if k == 0 else PLACE_NEXT
    return len(run)


def _line_starts(text: str, tokens: list[Token]) -> list[int]:
    """Indices of the tokens that open a line."""
    # a token opens a line when a line break stands between it and the one before: the first
    # token after each break (no token holds one), found by bisection instead of a look at every gap
    if not tokens:
        return []
    starts = [tok.start for tok in tokens]
    found = {bisect_right(starts, m.start()) for m in _LINE_BREAK.finditer(text)}
    return sorted(found.union((0,)).difference((len(tokens),)))


def _signer_line(text: str, tokens: list[Token], first: int, last: int) -> bool:
    """Tokens ``first``..``last`` fill their line, and the line of words above it is in capitals."""
    line_start = text.rfind("\n", 0, tokens[first].start) + 1
    line_end = text.find("\n", tokens[last].end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:tokens[first].start].strip() or text[tokens[last].end:line_end].strip(" \t.,"):
        return False
    # (the nearest line above with words: a signature's scribble may sit between, read as "3")
    above = next((line for line in reversed(text[:max(line_start - 1, 0)].splitlines())
                  if sum(c.isalpha() for c in line) >= 3), "")
    return above.isupper()


NAME_AGREEMENT_CONFIDENCE = 0.5  # the posterior a kept occurrence's flag carries
NAME_GAPS = (" ", "\n")  # a name's two words stand one space apart, or wrap onto the next line


def name_agreement_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Doubts from the readings of a name the letter writes more than once: changed at one place
    and kept at another that reads it alike (``_doubt_one_sided_changes``), or spelled once otherwise
    than the letter spells it (``_doubt_odd_spellings``). The LM knows names least, the page's own
    readings best.

    Names are pairs of capitalised words one space apart, compared by their letters without marks
    or case; each occurrence's reading and output with marks, without case."""
    by_start = {c[0].start: c for c in changes}

    def output(tok: Token) -> str:
        change = by_start.get(tok.start)
        return (tok.text if change is None or change[3] else change[1]).lower()

    occurrences: dict[tuple[str, str], list[tuple[Token, Token]]] = {}
    for first, second in itertools.pairwise(tokens):
        if (first.kind == WORD and second.kind == WORD and first.text[:1].isupper() and second.text[:1].isupper()
                and text[first.end:second.start] in NAME_GAPS):
            key = (strip_marks(first.text.lower()), strip_marks(second.text.lower()))
            occurrences.setdefault(key, []).append((first, second))
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]] = {}
    for pairs in occurrences.values():
        if len(pairs) >= 2:
            _doubt_one_sided_changes(pairs, output, by_start, doubted)
            _doubt_odd_spellings(pairs, output, by_start, doubted)
    return _with_doubts(changes, doubted) if doubted else changes


def _doubt_one_sided_changes(
    pairs: list[tuple[Token, Token]], output: Callable[[Token], str],
    by_start: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
) -> None:
    """A name read alike at two places, changed at one and kept at the other ("TỈNH LAM THỦY" kept,
    the date line's "Lam Thủy" made "Lâm Thủy"): the change is only suggested, and the place kept
    as read is flagged with it, so the clerk decides the name once."""
    for pair in pairs:
        read = tuple(tok.text.lower() for tok in pair)
        changed = [tok for tok in pair if output(tok) != tok.text.lower()]
        if not changed:
            continue
        kept = [other for other in pairs if other is not pair
                and tuple(tok.text.lower() for tok in other) == read
                and all(output(tok) == tok.text.lower() for tok in other)]
        if not kept:
            continue
        for tok in changed:
            change = by_start[tok.start]
            doubted[tok.start] = (tok, change[1], change[2], True, change[4])
        for other in kept:
            for tok, mine in zip(other, pair, strict=True):
                if mine in changed and tok.start not in doubted and tok.start not in by_start:
                    doubted[tok.start] = (tok, tok.text, NAME_AGREEMENT_CONFIDENCE, True,
                                          (apply_case(tok.text, by_start[mine.start][1].lower()),))


def _doubt_odd_spellings(
    pairs: list[tuple[Token, Token]], output: Callable[[Token], str],
    by_start: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
    doubted: dict[int, tuple[Token, str, float, bool, tuple[str, ...]]],
) -> None:
    """A name (in title case) the letter writes one way at least twice, and once another ("chợ Văn
    Khê" among six "Vân Khê"): the odd one is flagged, the usual spelling suggested."""
    spellings = Counter(tuple(output(tok) for tok in pair) for pair in pairs if not any(t.text.isupper() for t in pair))
    if len(spellings) < 2:
        return
    (usual, count), (_, runner_up) = spellings.most_common(2)
    if count < 2 or runner_up == count:
        return
    for pair in pairs:
        spelled = tuple(output(tok) for tok in pair)
        if spelled == usual or spellings[spelled] != 1 or any(t.text.isupper() for t in pair):
            continue
        for tok, word in zip(pair, usual, strict=True):
            if output(tok) != word and tok.start not in doubted:
                # (the token as read stays: the decoder's own reading of it is as odd)
                doubted[tok.start] = (tok, apply_case(tok.text, word.lower()), NAME_AGREEMENT_CONFIDENCE, True, ())


# words a Central Highlands place name of the Gia Rai language opens with "Ia" (water) follows
# ("xã Ia Grai", "plei Ia Krêl"): OCR reads the capital I as a small l
_IA_AFTER = frozenset({"xa", "huyen", "thon", "lang", "buon", "plei", "suoi", "song", "ho", "dap", "kenh", "cum"})
IA_CONFIDENCE = 0.5


def ia_name_doubts(
    text: str, tokens: list[Token], changes: list[tuple[Token, str, float, bool, tuple[str, ...]]],
) -> list[tuple[Token, str, float, bool, tuple[str, ...]]]:
    """Flag "la" that opens a place's name ("Xã la Rơ Mai", "plei la Krêl", "xã: la Tơi") with "Ia"
    suggested, whatever the decoder made of it: it stands after a unit word, a name's word or a
    colon, before a name's word ("đô la Mỹ" stays)."""
    doubted = {}
    for i in range(1, len(tokens) - 1):
        tok, before, after = tokens[i], tokens[i - 1], tokens[i + 1]
        if (tok.text != "la" or after.kind != WORD or not after.text.istitle()
                or text[tok.end:after.start] != " " or before.kind != WORD or not _same_line(text, before, tok)):
            continue
        gap = text[before.end:tok.start].strip()
        if (strip_marks(before.text.lower()) in _IA_AFTER and gap in ("", ":")) or (
                before.text.istitle() and before.text.lower() != "đô" and gap in ("", ",", ":")):
            doubted[tok.start] = (tok, "Ia", IA_CONFIDENCE, True, ("Ia", tok.text))
    return _with_doubts(changes, doubted) if doubted else changes
