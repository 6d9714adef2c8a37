#!/bin/sh
# The PostgreSQL tests start a throwaway server of their own (tests/pg_server.py), so they need
# the server binaries initdb and pg_ctl. Install them where we can (root with apt-get);
# elsewhere those tests skip and say how to install them.
set -e
have_server() {
  bindir=$(pg_config --bindir 2>/dev/null || true)
  if [ -n "$bindir" ] && [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ]; then return 0; fi
  for bindir in /usr/lib/postgresql/*/bin; do
    if [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ]; then return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1
}
if have_server; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing PostgreSQL for the PostgreSQL tests (apt-get)…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || true
fi
have_server || echo "PostgreSQL is not installed: the PostgreSQL tests will skip (install it with your package manager, e.g. 'sudo apt-get install postgresql')."
