from __future__ import annotations

from pathlib import Path

import pytest
from helpers.pages import save_pdf_with_text, text_page
from PIL import Image

from pipeline.config import PipelineConfig
from pipeline.errors import BadInputError, EncryptedPdfError
from pipeline.model import SourceKind
from pipeline.runner import RunContext
from pipeline.stages.ingest import IngestStage, estimate_dpi, new_document


def ingest(path: Path, **options):
    ctx = RunContext(config=PipelineConfig(**options), input_path=path)
    doc = IngestStage()(new_document(path), ctx)
    return doc, ctx


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif", ".bmp"])
def test_single_page_images(tmp_path, suffix):
    path = tmp_path / f"page{suffix}"
    text_page().save(path, dpi=(200, 200))
    doc, ctx = ingest(path)
    assert doc.source.kind == SourceKind.image and doc.source.pages == 1
    assert ctx.images[1].shape == (1000, 1654, 3)
    assert doc.pages[0].dpi == 200 and doc.pages[0].source == "ocr"


def test_multi_page_tiff_and_bitonal_frames(tmp_path):
    path = tmp_path / "pages.tif"
    first = text_page()
    second = text_page().convert("1")
    first.save(path, save_all=True, append_images=[second], compression="tiff_deflate")
    doc, ctx = ingest(path)
    assert [page.number for page in doc.pages] == [1, 2]
    assert ctx.images[2].ndim == 3 and ctx.images[2].dtype.name == "uint8"


def test_dpi_is_estimated_when_missing():
    assert estimate_dpi(2480, 3508) == 300
    assert estimate_dpi(1240, 1754) == 150


def test_pdf_text_layer_is_used(tmp_path):
    path = tmp_path / "born_digital.pdf"
    save_pdf_with_text(path)
    doc, ctx = ingest(path)
    assert doc.source.kind == SourceKind.pdf_text
    assert doc.pages[0].source == "text-layer"
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in doc.text
    assert all(word.bbox is not None for word in doc.words())
    height, width = ctx.images[1].shape[:2]
    assert all(0 <= w.bbox[0] < w.bbox[2] <= width and 0 <= w.bbox[1] < w.bbox[3] <= height for w in doc.words())


def test_pdf_without_text_layer_is_rendered_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    text_page().save(path, resolution=200)
    doc, ctx = ingest(path, render_dpi=150)
    assert doc.source.kind == SourceKind.pdf_scan
    assert doc.pages[0].source == "ocr" and doc.pages[0].dpi == 150
    assert ctx.images[1].shape[0] > 100


def test_text_file_becomes_pages_lines_words(tmp_path):
    path = tmp_path / "old_ocr.txt"
    path.write_text("UBND HUYEN CU CHI\nSé: 1005 /KH-PGDDT\n\nKE HOACH\fTrang hai", encoding="utf-8")
    doc, ctx = ingest(path)
    assert doc.source.kind == SourceKind.text and len(doc.pages) == 2
    assert len(doc.pages[0].blocks) == 2 and not ctx.images
    assert doc.text.startswith("UBND HUYEN CU CHI\nSé: 1005 /KH-PGDDT\n\nKE HOACH")


def test_legacy_encoded_text_file_is_converted(tmp_path):
    from pipeline.legacy_encodings import encode_tcvn3

    path = tmp_path / "tcvn3.txt"
    path.write_bytes(encode_tcvn3("Cộng hòa xã hội chủ nghĩa Việt Nam"))
    doc, _ = ingest(path)
    assert doc.text == "Cộng hòa xã hội chủ nghĩa Việt Nam"


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name,data,fragment", [
    ("empty.png", b"", "empty"),
    ("text.png", b"this is not an image at all\n" * 10, "not an image"),
    ("truncated.png", None, "cannot read image"),
    ("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "not a readable PDF"),
    ("notes.docx", b"PK\x03\x04", "unsupported file type"),
])
def test_bad_inputs_raise_clear_errors(tmp_path, name, data, fragment):
    if data is None:
        full = tmp_path / "full.png"
        text_page().save(full)
        data = full.read_bytes()[:2000]
    path = _bad(tmp_path, name, data)
    with pytest.raises(BadInputError) as caught:
        ingest(path)
    assert str(path) in caught.value.message and fragment in caught.value.message


def test_huge_pixel_count_is_refused(tmp_path):
    path = tmp_path / "huge.png"
    Image.new("1", (6000, 6000)).save(path)
    with pytest.raises(BadInputError, match="over the limit"):
        ingest(path, max_pixels=20_000_000)


def test_encrypted_pdf_is_refused(tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    plain = tmp_path / "plain.pdf"
    text_page().save(plain)
    encrypted = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="o", user="secret", R=6))
    with pytest.raises(EncryptedPdfError, match="encrypted"):
        ingest(encrypted)


def _pdf_with_runs(path: Path, runs: list[tuple[str, float, float, float]]) -> None:
    """A born-digital page whose text runs are placed one by one: (text, x, baseline y, size)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    from helpers.pages import FONT_CANDIDATES

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    font_data = Path(next(p for p in FONT_CANDIDATES if Path(p).is_file())).read_bytes()
    buffer = (ctypes.c_uint8 * len(font_data)).from_buffer_copy(font_data)
    pdf_font = raw.FPDFText_LoadFont(pdf.raw, buffer, len(font_data), raw.FPDF_FONT_TRUETYPE, 1)
    for text, x, y, size in runs:
        text_object = raw.FPDFPageObj_CreateTextObj(pdf.raw, pdf_font, size)
        encoded = (text + "\x00").encode("utf-16-le")
        raw.FPDFText_SetText(text_object, ctypes.cast(ctypes.c_char_p(encoded), ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(text_object, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(page.raw, text_object)
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))
    pdf.close()


def _advance(text: str, size: float) -> float:
    from helpers.pages import font

    return font(100).getlength(text) * size / 100


def test_pdf_word_with_a_smaller_tail_stays_one_word(tmp_path):
    # "Lưu: VT, KGVXVHTin507." with "VHTin507." set in a smaller font right after "KGVX"
    path = tmp_path / "subscript.pdf"
    head = "- Lưu: VT, KGVX"
    _pdf_with_runs(path, [("Căn cứ Luật Tổ chức chính quyền địa phương;", 60, 780, 12),
                          (head, 60, 700, 12), ("VHTin507.", 60 + _advance(head, 12), 700, 8)])
    doc, _ = ingest(path)
    assert "- Lưu: VT, KGVXVHTin507." in doc.text.splitlines()


def test_pdf_space_of_another_run_over_a_letter_does_not_split_the_word(tmp_path):
    path = tmp_path / "stray_space.pdf"
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    over_o = 300 + _advance("C", 12) + 0.2 * _advance("Ộ", 12)
    _pdf_with_runs(path, [("ỦY BAN NHÂN DÂN", 60, 780, 12), (motto, 300, 780, 12), (" ", over_o, 780, 12.5),
                          ("Căn cứ Luật Tổ chức chính quyền địa phương;", 60, 700, 12)])
    doc, _ = ingest(path)
    assert motto in doc.text and "CỘ NG" not in doc.text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in doc.text.splitlines()
