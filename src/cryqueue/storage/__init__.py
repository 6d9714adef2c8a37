"""Where a library lives: the schema and its versions, opening (create, migrate, seed), the
engine and transactions, the first-frame reader, the ranking keys, the import's writes,
snapshots, the one file writer, data folders and preferences. May import `domain` only."""
