"""The statute as data and pure functions (《中华人民共和国政府信息公开条例》, 2019, and the State Council's
notices under it): the statutory periods, the outcomes of an application and their report rows, the fee
tiers. Pure Python, no Django models and no I/O; each rule is written once here, with its article cited,
and every app asks it. Our readings of the law are in ``docs/law.md`` and the decisions taken where the law
is silent in ``docs/decisions.md``.
"""
