"""Table columns that do not add up to their "Tổng cộng" row: the one cell that breaks the sum.

A report's table closes with a total row ("Tổng cộng", "Cộng"). When a column's figures do not add
up to its total and changing one figure by a single digit (or the place of its decimal comma) makes
them add up, that figure is most likely a misread ("354" read "394", "42,8" read "428"): it is
flagged with the figure that makes the sum. Nothing is applied: the scan decides.

Works on plain values (each word's text and box, in page pixels), so the correction stage calls it
with the words of a page after the text pass.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

# a Vietnamese figure: thousands grouped by dots, decimals after a comma ("1.024,7", "42,8", "354")
_FIGURE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
# the word after "Tổng" in a total row's label (marks kept: "Công" opens a name, "CỘNG HÒA" the motto)
_AFTER_TOTAL = frozenset({"cộng", "số"})
MAX_ROWS = 40  # rows looked at above a total


@dataclass(frozen=True)
class Cell:
    """One word of a page: an id to report it by, its text and its box (x0, y0, x1, y1)."""

    id: str
    text: str
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class SumDoubt:
    """A figure that breaks its column's sum, and the figure that would make it."""

    id: str
    read: str
    suggestion: str


def _figure(text: str) -> str | None:
    core = text.strip(" ;:()|")
    return core if _FIGURE.fullmatch(core) else None


def _value(figure: str) -> float:
    return float(figure.replace(".", "").replace(",", "."))


def _decimals(figure: str) -> int:
    return len(figure.split(",")[1]) if "," in figure else 0


def _digits(figure: str) -> str:
    return figure.replace(".", "").replace(",", "")


def _half_unit(decimals: int) -> float:
    """Half the last place of a figure with ``decimals`` places: two values closer are equal."""
    return 0.5 * 10 ** -decimals


def _written(value: float, decimals: int) -> str:
    """A value written the Vietnamese way with ``decimals`` places ("1.024,7")."""
    whole, _, fraction = f"{value:.{decimals}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if decimals else grouped


def _middle(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _total_rows(cells: Sequence[Cell]) -> list[tuple[float, float]]:
    """The vertical bands (y0, y1) of rows labelled as a total, by the label's first word: "Cộng",
    "Tổng cộng", "Tổng số", or "Tổng" before a figure ("Tổng kết", "Tổng Công ty" are no total)."""
    bands = []
    for k, cell in enumerate(cells):
        word = cell.text.lower().strip(":")
        following = cells[k + 1].text.lower().strip(":") if k + 1 < len(cells) else ""
        total = word == "cộng" and following != "hòa" or word == "tổng" and (
            following in _AFTER_TOTAL or _figure(following) is not None)
        if total and cell.text[:1].isupper():
            bands.append((cell.box[1], cell.box[3]))
    return bands


def _same_row(box: tuple[float, float, float, float], band: tuple[float, float]) -> bool:
    middle = (box[1] + box[3]) / 2
    return band[0] - (band[1] - band[0]) * 0.5 <= middle <= band[1] + (band[1] - band[0]) * 0.5


def _column_above(cells: Sequence[Cell], total: Cell, height: float) -> tuple[list[Cell], Cell | None]:
    """The figures above the total in its column, one per row, from the row above it upwards until
    a row holds no figure there (the table's header); and the one short word among them that should
    be a figure, if one is (a cell read as letters: "mì" for "50"), when figures stand above it too."""
    x0, x1 = total.box[0], total.box[2]
    width = max(x1 - x0, height)
    in_column = [c for c in cells if c.box[3] <= total.box[1] + height * 0.2
                 and x0 - width * 0.6 <= _middle(c.box)[0] <= x1 + width * 0.6]
    column: list[Cell] = []
    unread: Cell | None = None
    bottom = total.box[1]
    for _ in range(MAX_ROWS):
        row = [c for c in in_column if bottom - height * 2.6 <= _middle(c.box)[1] < bottom - height * 0.4]
        if not row:
            break
        nearest = max(row, key=lambda c: c.box[3])
        same = [c for c in row if abs(_middle(c.box)[1] - _middle(nearest.box)[1]) < height * 0.6]
        if len(same) != 1:
            break
        if _figure(same[0].text):
            column.append(same[0])
        elif unread is None and column and len(same[0].text) <= MAX_UNREAD_LETTERS:
            unread = same[0]
        else:
            break
        bottom = nearest.box[1]
    if unread is not None and (not column or column[-1].box[1] > unread.box[1]):
        unread = None  # nothing read above it: the header's word, not a cell
    return column, unread


MAX_UNREAD_LETTERS = 4


def _cell_fixes(column: list[Cell], figures: list[str], total: float, decimals: int) -> list[SumDoubt]:
    """The cells of the column whose figure, a digit or a comma away, makes the column sum to the
    total."""
    values = [_value(figure) for figure in figures]
    found = []
    for cell, read, value in zip(column, figures, values, strict=True):
        needed = total - (sum(values) - value)
        if needed <= 0:
            continue
        places = max(decimals, _decimals(read))
        if abs(round(needed, places) - needed) > _half_unit(places):
            continue
        written = _written(needed, places)
        if written != read and Levenshtein.distance(_digits(read), _digits(written)) <= 1:
            found.append(SumDoubt(cell.id, read, written))
    return found


def column_sum_doubts(cells: Sequence[Cell], min_rows: int = 3) -> list[SumDoubt]:
    """Figures that break their column's sum, on one page's words (in reading order)."""
    cells = list(cells)
    heights = sorted(c.box[3] - c.box[1] for c in cells if _figure(c.text))
    if not heights:
        return []
    height = heights[len(heights) // 2]
    doubts: list[SumDoubt] = []
    for band in _total_rows(cells):
        for total in (c for c in cells if _same_row(c.box, band) and _figure(c.text)):
            if total.text.rstrip().endswith("%"):
                continue
            column, unread = _column_above(cells, total, height)
            if len(column) < min_rows:
                continue
            figure = _figure(total.text) or ""
            figures = [_figure(c.text) or "" for c in column]  # (every cell of a column is a figure)
            decimals = max(_decimals(f) for f in [figure, *figures])
            found = sum(_value(f) for f in figures)
            if unread is not None:  # the figure the unread cell must hold for the column to add up
                needed = _value(figure) - found
                if needed > 0 and abs(round(needed, decimals) - needed) < _half_unit(decimals):
                    doubts.append(SumDoubt(unread.id, unread.text, _written(needed, decimals)))
                continue
            if abs(found - _value(figure)) < _half_unit(decimals):
                continue
            fixes = _cell_fixes(column, figures, _value(figure), decimals)
            if len(fixes) == 1:
                doubts.append(fixes[0])
            elif not fixes:  # no cell can be the misread: the total may be
                sum_written = _written(found, decimals)
                if Levenshtein.distance(_digits(figure), _digits(sum_written)) <= 1:
                    doubts.append(SumDoubt(total.id, figure, sum_written))
            # (several cells could be: small figures, one digit each; no guess is flagged)
    return doubts
