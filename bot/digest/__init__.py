"""Morning digests: each channel's tech news, grouped, ranked and summarised on its schedule.

Pure core: ``feeds`` (parse), ``schedule`` (when), ``stories`` (what), ``render`` (how it looks).
Edges: ``store`` (tables), ``runner`` (build and post one digest), ``scheduler`` (the loop),
``commands`` (the ``feed …`` / ``digest …`` subcommands).
"""
