"""Files for people and other systems: the print map (``mapimage``), the PDF brief
(``brief``), the XLSX workbook and CSV (``workbook``) and their file names
(``filenames``)."""
