"""A second recogniser reads every Tesseract line again, for the correction stage to weigh.

Tesseract's ``vie`` model is fixed (its LSTM is integer-quantised and cannot be fine-tuned);
on blurred low-resolution pages it reads the hỏi over ê/ô as a sắc and mixes tone marks.
AsterNet (the ``asterocr`` package: a CNN-BiLSTM-CTC line recogniser trained on Vietnamese
print, MIT, its ONNX weights ship inside the wheel) errs elsewhere: it drops the bar of đ
and reads ấ as ã, but often sees the mark Tesseract lost. Each Tesseract word gets the
word AsterNet read at its place in the line (``Word.second_reading``); the correction
stage counts agreement as evidence for the reading and a disagreeing second reading as
evidence for that candidate. No word is changed here.

Lines are aligned word by word (rapidfuzz opcodes over the two word lists): a word gets a
second reading only where the alignment pairs it one to one, else it stays ``None``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from importlib import resources

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from pipeline.model import Line, Word

LINE_HEIGHT = 32  # AsterNet's input height
LINE_PAD = 4  # pixels of page kept around a Tesseract line box
MIN_LINE_HEIGHT = 8  # smaller boxes are specks
MAX_ASPECT = 120  # width/height above this is a rule, not a line of text
MAX_WIDTH = 1000  # AsterNet's position encoding covers 256 steps of 4 pixels


class SecondReaderUnavailable(RuntimeError):
    """The second recogniser (asterocr + onnxruntime) is not installed."""


class AsterReader:
    """AsterNet's ONNX model, loaded once; ``read`` may be called from several threads at once
    (ONNX Runtime's ``run`` is thread-safe), so pages read in parallel are not serialised."""

    def __init__(self, threads: int = 1):
        try:
            import onnxruntime as ort
            from asterocr.vocab import DEFAULT_CHARS
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise SecondReaderUnavailable(f"second reader needs asterocr and onnxruntime: {exc}") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # pages are read in parallel already
        options.inter_op_num_threads = 1
        weights = resources.files("asterocr").joinpath("assets/asternet.onnx")
        with resources.as_file(weights) as path:
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self._chars = list(DEFAULT_CHARS)  # index 0 is the CTC blank

    def read(self, crop: np.ndarray) -> str:
        """The text of one line image (grey or BGR, dark text on light)."""
        log_probs = self._session.run(None, {self._input: _line_tensor(crop)})[0]
        return _ctc_greedy(log_probs[:, 0, :], self._chars)


_SHARED: AsterReader | None = None
_SHARED_LOCK = threading.Lock()


def shared_reader() -> AsterReader:
    """One reader per process: the model loads once (about 0.2 s, 45 MB)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = AsterReader()
        return _SHARED


def _line_tensor(crop: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(crop, cv2.COLOR_GRAY2RGB) if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    # (a crop too wide for the model is squeezed: line_segments cuts lines so none is)
    width = min(MAX_WIDTH, max(32, int(w * LINE_HEIGHT / h)))
    width = (width + 3) // 4 * 4
    resized = cv2.resize(rgb, (width, LINE_HEIGHT), interpolation=cv2.INTER_AREA)
    scaled = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    return np.ascontiguousarray(scaled.transpose(2, 0, 1)[np.newaxis])


def _ctc_greedy(log_probs: np.ndarray, chars: list[str]) -> str:
    best = log_probs.argmax(axis=-1)
    out: list[str] = []
    previous = -1
    for index in best.tolist():
        if index != previous and index != 0:
            out.append(chars[index] if index < len(chars) else "")
        previous = index
    return " ".join("".join(out).split())


def line_crop(image: np.ndarray, bbox: tuple[int, int, int, int]) -> np.ndarray | None:
    x0, y0, x1, y1 = bbox
    if y1 - y0 < MIN_LINE_HEIGHT or x1 <= x0 or (x1 - x0) > MAX_ASPECT * (y1 - y0):
        return None
    h, w = image.shape[:2]
    crop = image[max(0, y0 - LINE_PAD): min(h, y1 + LINE_PAD), max(0, x0 - LINE_PAD): min(w, x1 + LINE_PAD)]
    return crop if crop.size else None


def align_words(first: list[str], second: list[str]) -> list[str | None]:
    """For each word of ``first``, the word of ``second`` paired with it one to one, else None."""
    paired: list[str | None] = [None] * len(first)
    for op in Levenshtein.opcodes(first, second):
        if op.tag == "equal" or (op.tag == "replace" and op.src_end - op.src_start == op.dest_end - op.dest_start):
            for i, j in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end), strict=True):
                paired[i] = second[j]
    return paired


def line_segments(line: Line) -> list[tuple[tuple[int, int, int, int], list[Word]]]:
    """The line cut between words into pieces AsterNet can take whole (at most MAX_WIDTH
    pixels once scaled to its height), each with its box and words; words without a box,
    or wider alone than that, are left out."""
    _, y0, _, y1 = line.bbox
    limit = MAX_WIDTH * (y1 - y0 + 2 * LINE_PAD) / LINE_HEIGHT - 2 * LINE_PAD
    segments: list[tuple[tuple[int, int, int, int], list[Word]]] = []
    current: list[Word] = []
    for word in line.words:
        if word.bbox is None or word.bbox[2] - word.bbox[0] > limit:
            if current:
                segments.append(_segment(current, y0, y1))
            current = []
            continue
        if current and word.bbox[2] - current[0].bbox[0] > limit:
            segments.append(_segment(current, y0, y1))
            current = []
        current.append(word)
    if current:
        segments.append(_segment(current, y0, y1))
    return segments


def _segment(words: list[Word], top: int, bottom: int) -> tuple[tuple[int, int, int, int], list[Word]]:
    return (words[0].bbox[0], top, words[-1].bbox[2], bottom), words


def read_lines_again(reader: AsterReader, image: np.ndarray, lines: Iterable[Line]) -> int:
    """Fill ``second_reading`` on the words of ``lines``; returns the number of pieces read."""
    count = 0
    for line in lines:
        if line.bbox is None or not line.words:
            continue
        for box, words in line_segments(line):
            crop = line_crop(image, box)
            if crop is None:
                continue
            text = reader.read(crop)
            count += 1
            for word, reading in zip(words, align_words([w.text for w in words], text.split()), strict=True):
                word.second_reading = reading
    return count
