"""The one error the pack raises for bad input (commentary, month): its message names the file,
the line or the month, for whoever has to fix it."""


class ReportPackError(Exception):
    pass
