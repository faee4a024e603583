#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit, rule-fixture, replay, CLI, snapshot
# and live-database tests, then Prisma's own engine as the oracle of the Prisma reader
# (scripts/prisma-oracle.sh), then the HTML report in a real browser, headless Chromium
# (scripts/browser-test.sh), then the lock-model differential test on every PostgreSQL
# major version 12 to 18, and the catalog reader's live tests on each (scripts/matrix.sh: server builds fetched with curl into a
# cache outside the repository; about a minute per version). Installs build prerequisites on a fresh machine and runs a
# throwaway PostgreSQL cluster (scripts/pg.sh) for the live tests, stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# A clean clone gains nothing from incremental compilation, which doubles the build's
# disk use; the build needs about 2 GB free and the live clusters a few hundred MB.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
df -h --output=avail,target . 2>/dev/null | tail -1 | awk '{ print "disk free for the build:", $1 }'
cargo fmt --check
cargo clippy --all-targets --locked --quiet -- -D warnings

if [ -z "${DBLINT_TEST_DATABASE_URL:-}" ]; then
  eval "$(scripts/pg.sh start)"
  trap 'scripts/pg.sh stop' EXIT
fi
cargo test --locked
scripts/prisma-oracle.sh
scripts/browser-test.sh
scripts/packaging.sh
scripts/matrix.sh
