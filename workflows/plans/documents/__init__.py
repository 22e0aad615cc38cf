"""Official documents rendered from plain data: the quarterly summary (XLSX), the bulletin (DOCX)."""
