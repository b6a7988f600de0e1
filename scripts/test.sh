#!/usr/bin/env bash
# Runs relevé's whole test suite on a fresh Debian machine with Rust, installing what the
# tests need first: a C compiler, poppler-utils (pdftoppm, pdftotext), logrotate, faketime and
# nx-27017 (into .venv).
set -euo pipefail
case "${1-}" in
  "") ;;
  -h | --help)
    echo "Usage: scripts/test.sh"
    echo
    echo "Installs what the tests need (a C compiler, poppler-utils, logrotate, faketime,"
    echo "nx-27017 into .venv), then builds the workspace and runs all its tests. It takes"
    echo "no options."
    exit 0
    ;;
  *)
    echo "test: unknown option \`$1\` (it takes none): see scripts/test.sh --help" >&2
    exit 2
    ;;
esac
CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/packages.sh
. scripts/packages.sh
need_c_compiler
if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then
  apt_install poppler-utils
fi
# The shipped logrotate configuration is run by a test (Debian installs it in /usr/sbin).
if [ ! -x /usr/sbin/logrotate ] && ! command -v logrotate >/dev/null; then
  apt_install logrotate
fi
# A test runs the collector at a clock of 1970, as a Raspberry Pi boots without NTP.
if ! command -v faketime >/dev/null; then
  apt_install faketime
fi
scripts/mongo-local.sh install

cargo build --workspace --all-targets --locked
cargo test --workspace --locked
