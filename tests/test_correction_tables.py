"""Table columns checked against their total row (pipeline/correction/tables.py), on words and boxes alone."""

from __future__ import annotations

from pipeline.correction.tables import Cell, SumDoubt, column_sum_doubts

ROW = 60  # pixels from one table row to the next


def _table(rows: list[tuple[str, ...]], label: str = "Tổng cộng") -> list[Cell]:
    """Cells of a table: a name column, then figure columns 300 px apart; the last row is the total."""
    cells = []
    for r, row in enumerate(rows):
        y = 1000 + r * ROW
        first = label.split() if r == len(rows) - 1 else [row[0]]
        x = 200
        for word in first:
            cells.append(Cell(f"r{r}-n{x}", word, (x, y, x + 100, y + 40)))
            x += 110
        for c, figure in enumerate(row[1:]):
            x = 900 + c * 300
            cells.append(Cell(f"r{r}-c{c}", figure, (x, y, x + 20 * len(figure), y + 40)))
    return cells


def test_a_figure_a_digit_off_its_columns_sum_is_flagged():
    rows = [("Xã A", "85", "52.200.000"), ("Xã B", "102", "58.500.000"), ("Xã C", "61", "51.600.000"),
            ("Xã D", "96", "50.100.000"), ("", "344", "206.400.000")]
    # the amounts sum to 212.400.000: only "58.500.000" is a digit from making 206.400.000
    assert column_sum_doubts(_table(rows)) == [SumDoubt("r1-c1", "58.500.000", "52.500.000")]
    rows[4] = ("", "314", "212.400.000")
    # 344 against "314": "85", "61" and "96" could each be the misread (or the total): none is flagged
    assert column_sum_doubts(_table(rows)) == []


def test_a_decimal_that_lost_its_comma_breaks_the_sum():
    rows = [("Xã A", "428", "39,6"), ("Xã B", "11,5", "9,2"), ("Xã C", "20,0", "18,1"), ("", "74,3", "66,9")]
    assert column_sum_doubts(_table(rows)) == [SumDoubt("r0-c0", "428", "42,8")]


def test_columns_that_add_up_or_cannot_tell_are_left():
    adds_up = [("A", "3", "1.000"), ("B", "4", "2.000"), ("C", "5", "3.000"), ("", "12", "6.000")]
    assert column_sum_doubts(_table(adds_up)) == []
    # small figures one digit each: any of them could be the misread, so none is flagged
    unsure = [("A", "3"), ("B", "4"), ("C", "5"), ("", "14")]
    assert column_sum_doubts(_table(unsure)) == []
    shares = [("A", "30%"), ("B", "40%"), ("C", "50%"), ("", "40%")]  # shares do not add up
    assert column_sum_doubts(_table(shares)) == []
    motto = [("A", "3"), ("B", "4"), ("C", "5"), ("", "14")]
    assert column_sum_doubts(_table(motto, label="CỘNG HÒA")) == []  # no total row
    assert column_sum_doubts(_table(motto, label="Tổng kết")) == []
    unread = [("A", "85"), ("B", "102"), ("C", "mì"), ("D", "96"), ("", "333")]
    assert column_sum_doubts(_table(unread, label="Cộng")) == [SumDoubt("r2-c0", "mì", "50")]  # "Cộng" is one


def test_a_cell_read_as_letters_gets_the_figure_its_column_needs():
    rows = [("A", "85"), ("B", "102"), ("C", "mì"), ("D", "96"), ("", "333")]
    assert column_sum_doubts(_table(rows)) == [SumDoubt("r2-c0", "mì", "50")]
    header = [("A", "Số"), ("B", "85"), ("C", "102"), ("D", "96"), ("", "283")]  # (adds up: "Số" is the header)
    assert column_sum_doubts(_table(header)) == []
    header[4] = ("", "290")
    assert "r0-c0" not in {doubt.id for doubt in column_sum_doubts(_table(header))}  # never the header's word
