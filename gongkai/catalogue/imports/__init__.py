"""Import of an existing catalogue (目录迁移): a spreadsheet with a folder or .zip of attachments, or a
crawl of the agency's existing public column. Both give the same rows (Chinese labels → text), checked
by :mod:`.rows`, planned and applied by :mod:`.apply` (idempotent on 索引号), run as jobs
(:mod:`gongkai.catalogue.jobs`). See docs/catalogue.md, "Importing an existing catalogue".

This package's ``__init__`` imports nothing: :mod:`.sheet` and :mod:`.crawl`'s parsing run without Django
(the spreadsheet is read in the limited child process).
"""
