"""The second recogniser: line pieces, word pairing, and AsterNet on a rendered line."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.eval.metrics import cer
from pipeline.imaging.synthetic import line_boxes, render_lines
from pipeline.model import Line, Word
from pipeline.second_reading import (
    MAX_WIDTH,
    _ctc_greedy,
    align_words,
    line_crop,
    line_segments,
    read_lines_again,
    shared_reader,
)


def _line(words: list[tuple[str, int, int]], top: int = 10, bottom: int = 40) -> Line:
    return Line(id="p1-b1-l1", bbox=(words[0][1], top, words[-1][2], bottom),
                words=[Word(id=f"p1-b1-l1-w{k}", text=text, confidence=90.0, bbox=(x0, top, x1, bottom))
                       for k, (text, x0, x1) in enumerate(words, 1)])


def test_words_pair_one_to_one_or_not_at_all():
    assert align_words(["Tố", "kiểm", "tra"], ["Tổ", "kiểm", "tra"]) == ["Tổ", "kiểm", "tra"]
    # a word one reader split in two pairs with one piece at most
    paired = align_words(["lớphọc", "mới"], ["lớp", "học", "mới"])
    assert paired[1] == "mới" and paired[0] in ("lớp", "học", None)
    assert align_words(["a", "b"], []) == [None, None]


def test_greedy_ctc_collapses_repeats_and_drops_blanks():
    chars = ["<blank>", "a", "b", " "]
    steps = [1, 1, 0, 1, 2, 2, 3, 3, 0, 2]
    log_probs = np.full((len(steps), len(chars)), -9.0)
    log_probs[np.arange(len(steps)), steps] = 0.0
    assert _ctc_greedy(log_probs, chars) == "aab b"


def test_long_lines_are_cut_between_words():
    height = 30 + 8  # box plus padding
    limit = MAX_WIDTH * height / 32 - 8
    words = [(f"w{k}", int(k * limit / 3), int(k * limit / 3 + limit / 4)) for k in range(7)]
    segments = line_segments(_line(words))
    assert len(segments) > 1
    assert [w.text for _, ws in segments for w in ws] == [w for w, _, _ in words]
    for (x0, _, x1, _), _ws in segments:
        assert x1 - x0 <= limit


def test_rules_and_specks_are_not_read():
    image = np.full((100, 4000), 255, np.uint8)
    assert line_crop(image, (0, 10, 3900, 14)) is None  # 4 px high
    assert line_crop(image, (0, 10, 3900, 30)) is None  # 195:1, a rule
    assert line_crop(image, (0, 10, 300, 40)).shape == (38, 304)


class _FixedReader:
    def __init__(self, text: str):
        self.text = text

    def read(self, crop: np.ndarray) -> str:
        return self.text


def test_each_word_gets_the_reading_at_its_place():
    line = _line([("Tố", 10, 40), ("kiểm", 50, 120), ("tra", 130, 170)])
    assert read_lines_again(_FixedReader("Tổ kiểm tra"), np.full((60, 200), 255, np.uint8), [line]) == 1
    assert [w.second_reading for w in line.words] == ["Tổ", "kiểm", "tra"]


def test_asternet_reads_a_rendered_vietnamese_line():
    lines = ["Tổ kiểm tra liên ngành của huyện", "Ủy ban nhân dân xã báo cáo kết quả"]
    page = render_lines(lines, dpi=300)
    reader = shared_reader()
    for text, box in zip(lines, line_boxes(lines, dpi=300), strict=True):
        read = reader.read(line_crop(page, box))
        counts = cer(read, text)
        assert counts.errors / counts.total < 0.15, read


@pytest.mark.parametrize("shape", [(40, 20), (40, 3000), (10, 400)])
def test_odd_crops_do_not_crash(shape):
    assert isinstance(shared_reader().read(np.full(shape, 255, np.uint8)), str)
