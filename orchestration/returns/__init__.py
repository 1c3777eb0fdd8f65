"""Statutory returns as sources: the SSDA903 return (CSV tables or XML), the CIN census XML,
Ofsted's Annex A workbook and the children's social work workforce census XML, recognised by
their content and mapped into the contract's extracts (orchestration/extracts.py) with their
provenance, year by year from the specifications in specs/.

Entry points: recognise.recognise(path) says what a file is; folder.read_folder(folder) reads
every return in a folder, maps and combines them; the per-return readers (ssda903_read,
cin_census, annex_a, csww) map one return; combine.combine() joins years and returns;
tables_out writes the rows as DuckDB or pyarrow tables.
"""
