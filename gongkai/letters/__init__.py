"""Letters for applications (依申请公开文书): editable templates rendered to Word (.docx).

See docs/letters.md. Public entry points: :mod:`gongkai.letters.kinds` (``LetterKind``),
:mod:`gongkai.letters.context` (``LetterContext``), :mod:`gongkai.letters.render`
(``render_letter``, ``render_text``), :mod:`gongkai.letters.compose` (``render_blocks``,
``LetterRenderError``), :mod:`gongkai.letters.numbering` (``next_letter_number``),
:mod:`gongkai.letters.remedies` (``remedy_notice``) and :mod:`gongkai.letters.lookup`
(``effective_template``; the ``TemplateSource`` it returns is in :mod:`gongkai.letters.source`).
"""
