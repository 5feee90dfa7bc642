"""The statute as data and pure functions (《中华人民共和国政府信息公开条例》, 2019, and the State Council's
notices under it): the statutory periods, the outcomes of an application and their report rows, the fee
tiers, and what a 公民身份号码 is (居民身份证法, GB 11643-1999: ``resident_id``). Pure Python, no Django
models and no I/O (but for the region hint of ``resident_id``, read from python-stdnum's packaged table);
each rule is written once here, with its article cited, and every app asks it. Our readings of the law are
in ``docs/law.md`` and the decisions taken where the law is silent in ``docs/decisions.md``.
"""
