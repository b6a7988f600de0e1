#!/usr/bin/env bash
# Runs relevé's whole test suite on a fresh Debian machine with Rust, installing what the
# tests need first: poppler-utils (pdftoppm, pdftotext) and nx-27017 (into .venv).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v pdftoppm >/dev/null || ! command -v pdftotext >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq poppler-utils
fi
scripts/mongo-local.sh install

cargo build --workspace --all-targets --locked
cargo test --workspace --locked
