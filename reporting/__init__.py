"""The daily report: a PDF and an .xlsx workbook per production date, read from the serving copy."""
