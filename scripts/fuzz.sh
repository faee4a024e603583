#!/usr/bin/env bash
# Mutation-fuzz `dblint lint` (stable Rust, no cargo-fuzz): N executions (default
# 100,000) of mutated rule fixtures and sample databases through the whole pipeline.
# Prints `N executions, K crashes`; minimised crash inputs go to target/fuzz/crash-*/,
# a hang's input to target/fuzz/hang/. Exit code 1 if anything crashed.
#
#   scripts/fuzz.sh                 # 100,000 executions, seed 1
#   scripts/fuzz.sh 1000000 --seed 7 --timeout 30
set -euo pipefail
cd "$(dirname "$0")/.."
executions="${1:-100000}"
shift || true
cargo run --release --locked --quiet --example fuzz_lint -- "$executions" "$@"
