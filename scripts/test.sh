#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit, rule-fixture, replay, CLI and
# snapshot tests. Installs build prerequisites first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --check
cargo clippy --all-targets --locked --quiet -- -D warnings
cargo test --locked
