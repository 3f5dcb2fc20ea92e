#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser tests (test/browser/),
# which drive it with playwright-core. Playwright's own browser download needs
# the internet; the Debian package comes from the package mirror, which CI and
# these machines reach. Nothing happens when chromium is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "The browser tests need Debian's chromium at $CHROMIUM, and installing it needs root. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser tests need chromium at $CHROMIUM; this machine has no apt-get to install it with. Install chromium from the system's packages." >&2
  exit 1
fi

echo "Installing chromium for the browser tests (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium

if [ ! -x "$CHROMIUM" ]; then
  echo "apt-get installed chromium, but $CHROMIUM is still missing." >&2
  exit 1
fi
