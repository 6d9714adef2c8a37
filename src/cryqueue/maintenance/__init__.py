"""Looking after a library file: `doctor` (check and repair) and `restore`. May import
`storage` and `domain`."""
