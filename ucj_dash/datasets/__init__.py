"""The figures: the dataset model and roll-up (``dataset``), datasets on disk
(``store``) and their listing (``catalog``), spreadsheet import and its template
(``importer``, ``template``) and the simulated demo (``demo``)."""
