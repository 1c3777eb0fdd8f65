"""The monthly KPI pack: the reporting tables of one month as a workbook, one self-contained HTML
file, a PDF printed from it by headless Chromium, and the tables as CSV and Parquet.

Plain modules, no Dagster: `orchestration.assets.report_pack` calls `build.build_pack`.
`tables` reads the reporting layer, `commentary` the staff commentary, `charts` draws the trend
charts, `workbook`, `html` and `pdf` write the outputs. Nothing reads the environment or touches
the disk at import time.
"""
