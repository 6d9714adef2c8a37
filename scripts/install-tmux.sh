#!/bin/sh
# tmux drives the real-terminal test. Install it where we can (root with apt-get);
# elsewhere the test skips and says how to install it.
set -e
if command -v tmux >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing tmux for the real-terminal test (apt-get)…"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux >/dev/null 2>&1 || true
fi
command -v tmux >/dev/null 2>&1 || echo "tmux is not installed: the real-terminal test will skip (install it with your package manager, e.g. 'sudo apt-get install tmux')."
