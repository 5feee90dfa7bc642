"""What an annual report (政府信息公开工作年度报告) is, in pure Python: the two official formats and their
identities (``model.py``), the table and finding types, the document, the figures the prose quotes and the
prose drafts, deadlines, version differences and the exporters. It queries no records: the tables built from
the records are :mod:`gongkai.annual.tabulate`."""
