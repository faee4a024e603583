#!/usr/bin/env bash
# The packaging checks: what a user without a Rust toolchain installs is built and
# installed here from a clean environment, and run.
#
#   1. the crate: `cargo package` (builds the packaged sources), and its file list holds
#      no tests, samples, scripts or CI;
#   2. the PyPI wheel (maturin, pyproject.toml): `pip wheel .` builds it; installed into
#      a fresh virtual environment with no index, and run: `dblint --version`, and a
#      lint of a sample equal, byte for byte, to the cargo-built binary's; maturin's own
#      build gives it a manylinux tag;
#   3. the npm packages (npm/pack.mjs): `npm pack`ed, installed from the tarballs into a
#      scratch project with the registry out of reach (--offline), and run the same way,
#      with the exit codes passed on; without the platform package, a one-line error;
#   4. the release workflow and the GitHub Action, checked offline: zizmor (security
#      audits) and check-jsonschema (GitHub's workflow and action schemas);
#   5. the action's lint step, run as GitHub would run it, on a sample.
#
#   scripts/packaging.sh --zig   also builds a manylinux_2_28 wheel with zig as the C
#                                compiler and linker (as the release workflow does for
#                                glibc Linux; not in CI: about 9 minutes on 2 cores, in
#                                target/zig), checks that it needs no glibc newer than
#                                2.28, installs it and compares its report.
#
# The wheel and the crate are built with the dev profile, which shares its compiled
# dependencies with the test build (the release workflow builds --release). Python
# tools (tools/packaging/requirements.txt, pinned) live in a virtual environment cached
# outside the repository (${XDG_CACHE_HOME:-~/.cache}/dblint/venv-<hash>;
# /var/cache/dblint for root), made again only when the pins change. Needs python3
# with venv, node and npm (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "packaging: $*" >&2; }
fail() { echo "packaging: FAILED: $*" >&2; exit 1; }

if [ -n "${XDG_CACHE_HOME:-}" ]; then
  cache="$XDG_CACHE_HOME/dblint"
elif [ "$(id -u)" -eq 0 ]; then
  cache="/var/cache/dblint"
else
  cache="$HOME/.cache/dblint"
fi
requirements=tools/packaging/requirements.txt
venv="$cache/venv-$(sha256sum "$requirements" | cut -c1-12)"
if [ ! -x "$venv/bin/maturin" ]; then
  say "installing the packaging tools into $venv (one time)"
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
sample=sample-dbs/benchwarmers

# 1. The crate.
say "cargo package"
cargo package --locked --quiet --allow-dirty 2> "$work/package.log" || { cat "$work/package.log" >&2; fail "cargo package"; }
# cargo package verifies the crate in this target directory, and the dev build's
# fingerprints then point at target/package/'s copies of the sources: later edits to
# src/ would look up to date to `cargo build` and `cargo test`. Drop those fingerprints
# so the next build compiles the working tree again.
for dep in target/debug/.fingerprint/dblint-*/dep-*; do
  if [ -f "$dep" ] && grep -aq "package/dblint-" "$dep"; then rm -rf "$(dirname "$dep")"; fi
done
listed="$(cargo package --locked --list --allow-dirty 2>/dev/null)"
if grep -E '^(tests|sample-dbs|scripts|examples|tools|npm|\.ci|\.github|docs)/' <<< "$listed"; then
  fail "the crate holds files that are not dblint's sources (above): fix include in Cargo.toml"
fi
for needed in src/main.rs rules/locks.toml data/pg_volatility.tsv LICENSE README.md \
    vendor/elkjs/elk-worker.min.js vendor/elkjs/LICENSE.md src/report/html/page.js; do
  grep -qx "$needed" <<< "$listed" || fail "the crate lacks $needed"
done

# The reference: the cargo-built binary (the same profile the wheel is built with).
cargo build --locked --quiet --bin dblint
reference="$work/reference.json"
target/debug/dblint lint "$sample" --format json --all --fail-on none > "$reference"

# 2. The wheel: `pip wheel .` as a user builds it (maturin through PEP 517, with the
# pinned maturin rather than a download), then maturin's own build for the manylinux
# tag PyPI takes.
say "pip wheel . (wheel)"
PATH="$venv/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev --strip --locked" \
  "$venv/bin/python" -m pip wheel . --quiet --no-deps --no-build-isolation --disable-pip-version-check \
  -w "$work/pip-wheel" 2> "$work/pip.log" || { cat "$work/pip.log" >&2; fail "pip wheel ."; }
wheel="$(ls "$work"/pip-wheel/dblint-"$version"-*.whl)"
python3 -m venv "$work/user-venv"
"$work/user-venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
[ "$("$work/user-venv/bin/dblint" --version)" = "dblint $version" ] || fail "the wheel's dblint --version"
"$work/user-venv/bin/dblint" lint "$sample" --format json --all --fail-on none > "$work/wheel.json"
cmp -s "$reference" "$work/wheel.json" || fail "the wheel's dblint lints $sample differently"
say "maturin build (manylinux wheel)"
"$venv/bin/maturin" build --locked --profile dev --strip --out "$work/wheels" --quiet 2> "$work/maturin.log" \
  || { cat "$work/maturin.log" >&2; fail "maturin build"; }
manylinux="$(ls "$work"/wheels/dblint-"$version"-py3-none-manylinux_*.whl)" \
  || fail "maturin built no manylinux wheel: $(ls "$work/wheels")"
say "$(basename "$wheel") and $(basename "$manylinux") build; the first installs and runs"

# 3. The npm packages, with the wheel's (stripped) binary.
say "npm packages"
node npm/pack.mjs --version "$version" --out "$work/npm" --binary "linux-x64=$work/user-venv/bin/dblint"
mkdir -p "$work/tarballs"
for package in "$work"/npm/*; do
  (cd "$package" && npm pack --silent --pack-destination "$work/tarballs" > /dev/null)
done
launcher="$work/tarballs/dblint-$version.tgz"
platform="$work/tarballs/dblint-linux-x64-$version.tgz"
npm_install() {
  mkdir -p "$1"
  echo '{"name":"scratch","version":"1.0.0","private":true}' > "$1/package.json"
  (cd "$1" && npm install --offline --no-audit --no-fund --silent "${@:2}") > "$work/npm.log" 2>&1 \
    || { cat "$work/npm.log" >&2; fail "npm install ${*:2}"; }
}
npm_install "$work/project" "$launcher" "$platform"
npx_dblint="$work/project/node_modules/.bin/dblint"
[ "$("$npx_dblint" --version)" = "dblint $version" ] || fail "the npm package's dblint --version"
"$npx_dblint" lint "$sample" --format json --all --fail-on none > "$work/npm.json"
cmp -s "$reference" "$work/npm.json" || fail "the npm package's dblint lints $sample differently"
code=0; "$npx_dblint" lint "$sample" --all --fail-on info > /dev/null || code=$?
[ "$code" = 1 ] || fail "the npm launcher passed on exit code $code for a failing gate (expected 1)"
code=0; "$npx_dblint" lint /nonexistent 2> /dev/null || code=$?
[ "$code" = 2 ] || fail "the npm launcher passed on exit code $code for an error (expected 2)"
echo 'CREATE TABLE t (id bigint PRIMARY KEY);' | "$npx_dblint" lint - --stdin-filename t.sql --fail-on none > /dev/null 2>&1 \
  || fail "the npm launcher does not pass standard input on"
npm_install "$work/no-platform" "$launcher"
code=0; message="$("$work/no-platform/node_modules/.bin/dblint" --version 2>&1)" || code=$?
[ "$code" = 2 ] && grep -q "@dblint/linux-x64.*is not installed" <<< "$message" \
  || fail "without its platform package the launcher says: $message (exit $code)"
say "npm packages install offline and run"

# 4. The release workflow and the action, offline; the action installs the release it
# belongs to by default.
grep -A 2 '^  version:' action.yml | grep -q "default: \"$version\"" \
  || fail "action.yml's version input does not default to Cargo.toml's version $version"
say "zizmor and check-jsonschema"
"$venv/bin/zizmor" --offline --quiet .github/workflows/release.yml action.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-workflows .github/workflows/*.yml
"$venv/bin/check-jsonschema" --builtin-schema vendor.github-actions action.yml

# 5. The action's lint step, as GitHub runs it (bash -e, inputs in env), with the
# wheel's dblint where the install step puts it.
say "the action's lint step"
"$venv/bin/python" - "$work/lint-step.sh" <<'PY'
import sys
from ruamel.yaml import YAML
action = YAML(typ="safe").load(open("action.yml"))
step = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
open(sys.argv[1], "w").write(step["run"])
PY
mkdir -p "$work/runner/dblint-venv/bin" "$work/space dir"
ln -s "$work/user-venv/bin/dblint" "$work/runner/dblint-venv/bin/dblint"
cp -r "$sample" "$work/space dir/"
code=0
(
  cd "$work"
  RUNNER_TEMP="$work/runner" GITHUB_OUTPUT="$work/output" \
  DBLINT_WORKDIR="space dir" DBLINT_PATHS="$(printf '  benchwarmers  \n\n')" DBLINT_CONFIG_INPUT="" \
  DBLINT_FAIL_ON_INPUT="none" DBLINT_COMMENT=false DBLINT_COMMENT_KEY=default DBLINT_SARIF=true \
  GITHUB_TOKEN=unused bash -e "$work/lint-step.sh" > "$work/step.log" 2>&1
) || code=$?
[ "$code" = 0 ] || { cat "$work/step.log" >&2; fail "the action's lint step exited $code"; }
grep -qx "exit-code=0" "$work/output" && grep -qx "sarif=$work/runner/dblint-default.sarif" "$work/output" \
  || fail "the action's lint step wrote: $(cat "$work/output")"
grep -q '"version": "2.1.0"' "$work/runner/dblint-default.sarif" || fail "the action's SARIF file"
grep -q '"uri": "space dir/benchwarmers/' "$work/runner/dblint-default.sarif" \
  || fail "the action's SARIF names files from outside working-directory's view"
if [ "${1:-}" = "--zig" ]; then
  say "maturin build --zig (manylinux_2_28)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ziglang==0.17.1
  PATH="$venv/bin:$PATH" CARGO_TARGET_DIR=target/zig "$venv/bin/maturin" build --locked --profile dev --strip \
    --zig --compatibility manylinux_2_28 --out "$work/zig" --quiet 2> "$work/zig.log" \
    || { cat "$work/zig.log" >&2; fail "maturin build --zig"; }
  zig_wheel="$(ls "$work"/zig/dblint-"$version"-py3-none-manylinux_2_28_*.whl)"
  python3 -m venv "$work/zig-venv"
  "$work/zig-venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$zig_wheel"
  newest="$(objdump -T "$work/zig-venv/bin/dblint" | grep -o 'GLIBC_[0-9.]*' | sort -V -u | tail -n 1)"
  [ "$(printf '%s\nGLIBC_2.28\n' "$newest" | sort -V | tail -n 1)" = GLIBC_2.28 ] \
    || fail "the zig wheel needs $newest"
  "$work/zig-venv/bin/dblint" lint "$sample" --format json --all --fail-on none > "$work/zig.json"
  cmp -s "$reference" "$work/zig.json" || fail "the zig wheel lints $sample differently"
  say "$(basename "$zig_wheel") needs glibc up to ${newest#GLIBC_}, installs and runs"
fi
say "all packaging checks pass"
