"""PDFs and papers: a PDF's text read within limits (``reader``), paragraphs and a paper's
abstract rebuilt from it (``layout``), and arXiv links read from their abstract page (``arxiv``)."""

from bot.pdf.arxiv import arxiv_abstract_url, arxiv_article
from bot.pdf.layout import pdf_article
from bot.pdf.reader import PdfText, read_pdf

__all__ = ["PdfText", "arxiv_abstract_url", "arxiv_article", "pdf_article", "read_pdf"]
