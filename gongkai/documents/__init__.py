"""Reading outside documents, for every app that is given one (the checker, the catalogue, annual imports,
the case file).

Ground layer: imports only :mod:`gongkai.core` and libraries, knows no app, no Django.

* :mod:`.sniffing` — what a file is, from its bytes;
* :mod:`.text` — the text of bytes in any common Chinese encoding;
* :mod:`.zipguard` — one guard for every zip (.docx, .xlsx, the bulk-import .zip);
* :mod:`.uploads` — what a file people upload may be (the catalogue's attachments, a case's file);
* :mod:`.docx` — the .docx reader (body blocks for the checker, every part's text for the scanner);
* :mod:`.isolated` and :mod:`.pdf` — every PDF is read in a child process with memory, CPU-time and
  wall-clock limits;
* :mod:`.layout` — tables and lines from positioned words and ruled lines (pdfplumber's lattice), for
  :mod:`.ocr` (scanned pages: Tesseract ``chi_sim``) and :mod:`.ofd` (GB/T 33190 packages, read from
  their XML);
* :mod:`.office` — .doc and WPS's .wps converted to .docx by LibreOffice headless;
* :mod:`.fetch` — the polite fetcher of outside URLs (robots.txt, one request a second per host, timeouts,
  a size cap, retries, the SSRF guard) and :func:`~.fetch.decode_html`;
* :mod:`.links` — a year's report among a column's links, the next page, an article's report files.
"""
