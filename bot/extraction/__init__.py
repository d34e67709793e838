"""Internals of ``bot.extract.extract`` (HTML → Article), one stage per module.

    page.py            parse once (a tree all stages share); page-wide signals (links, paragraphs)
    limits.py          caps on what a hostile page can make the extractors read
    markup.py          rewrite what extractors misread: ruby, forms, overlays, MathJax
    metadata.py        title, site name, date, language, canonical URL, description
    blocks.py          an extractor's output → text blocks (paragraph, heading, list item, ...)
    cleanup.py         drop the repeated headline and boilerplate runs (related links, share bars)
    second_opinion.py  when a cheap signal says trafilatura failed, ask readability and vote
    gallery.py         cut an unrelated gallery of captioned photos appended after the story
    lead.py            put back the lead (standfirst) set apart above the body

The public entry point is ``bot.extract.extract``; nothing here does I/O.
"""
