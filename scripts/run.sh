#!/usr/bin/env bash
# Build dblint (release) and run it with the given arguments, installing build
# prerequisites first on a fresh machine. Example: scripts/run.sh lint sample-dbs/benchwarmers
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
exec "$root/target/release/dblint" "$@"
