"""cryqueue's benchmark: `python -m bench` (or `make bench`); `--quick` is the smoke run that
`make test` does so that the benchmark cannot rot."""
