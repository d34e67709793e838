"""Internals of ``bot.extract.extract`` (HTML → Article), one stage per module.

    page.py            parse once; page-wide signals read before extraction (links, paragraphs)
    metadata.py        title, site name, date, language, canonical URL from meta tags / JSON-LD
    blocks.py          an extractor's output → text blocks (paragraph, heading, list item, ...)
    cleanup.py         drop the repeated headline and boilerplate runs (related links, share bars)
    second_opinion.py  when a cheap signal says trafilatura failed, ask readability and vote

The public entry point is ``bot.extract.extract``; nothing here does I/O.
"""
