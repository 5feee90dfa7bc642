"""年报检查: reads published 政府信息公开工作年度报告 and lists every error (command line and web page)."""
