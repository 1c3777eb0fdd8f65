"""Published benchmark figures (DfE statistics) to set the local KPIs against."""

from orchestration.benchmarks.dfe_cin import (
    BENCHMARK_COLUMNS,
    WorkbookLayoutError,
    parse_benchmarks_folder,
    parse_cin_workbook,
)

__all__ = [
    "BENCHMARK_COLUMNS",
    "WorkbookLayoutError",
    "parse_benchmarks_folder",
    "parse_cin_workbook",
]
