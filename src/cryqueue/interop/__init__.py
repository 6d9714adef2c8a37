"""File formats other programs read and write: cryqueue's JSON, Letterboxd, IMDb, the CSV
they share, the spreadsheet CSV, Markdown, and telling an import's files apart. Turns files
into `domain` records and back; may import `domain` only (a format knows no database)."""
