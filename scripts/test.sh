#!/usr/bin/env bash
# Runs relevé's whole test suite on a fresh Debian machine with Rust, installing what the
# tests need first: a C compiler, poppler-utils (pdftoppm, pdftotext) and nx-27017 (into .venv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/packages.sh
. scripts/packages.sh
need_c_compiler
if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then
  apt_install poppler-utils
fi
scripts/mongo-local.sh install

cargo build --workspace --all-targets --locked
cargo test --workspace --locked
