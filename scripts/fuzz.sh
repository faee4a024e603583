#!/usr/bin/env bash
# Mutation-fuzz `dblint lint` (stable Rust, no cargo-fuzz): N executions (default
# 100,000) of mutated rule fixtures and sample databases through the whole pipeline.
# Inputs run in a worker process; one that aborts it (stack overflow) or hangs is
# saved and the run resumes after it. Prints `N executions, K crashes`; panics are
# minimised into target/fuzz/crash-*/, aborts and hangs saved in target/fuzz/abort-*/
# and hang-*/. Exit code 1 if anything crashed.
#
#   scripts/fuzz.sh                 # 100,000 executions, seed 1
#   scripts/fuzz.sh 1000000 --seed 7 --timeout 30
set -euo pipefail
cd "$(dirname "$0")/.."
executions="${1:-100000}"
shift || true
cargo run --release --locked --quiet --example fuzz_lint -- "$executions" "$@"
