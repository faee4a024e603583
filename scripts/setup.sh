#!/usr/bin/env bash
# Install what building and testing dblint need and a fresh machine may lack: a C
# compiler and libclang (pg_query compiles libpg_query, the PostgreSQL parser, and
# generates its bindings with bindgen), Node 18+ with npm (the tests run Prisma's
# schema engine as an oracle, and install the npm packages they build), and Python 3
# with venv and pip (the packaging tests build the PyPI wheel with maturin and install
# it into a fresh virtual environment), and Debian's Chromium at /usr/bin/chromium (the
# HTML report's real-browser test, scripts/browser-test.sh, drives it with
# playwright-core, which downloads no browser of its own). Idempotent: does nothing
# when everything is present.
#
#   scripts/setup.sh           install what is missing (apt-get; sudo when not root)
#   scripts/setup.sh --check   only say what is missing (exit 1 if anything is)
#
# libclang is detected the way bindgen's loader (the clang-sys crate) finds it, not by
# a loose glob: a `libclang.so`, `libclang-N.so`, `libclang.so.N` or `libclang-N.so.N`
# in `LIBCLANG_PATH`, `llvm-config --libdir` or the usual LLVM directories. Files named
# `libclang-cpp*` (the C++ library some LLVM packages bring in) do not count: clang-sys
# skips them, and a machine with only those fails the build after minutes. bindgen also
# needs clang's own headers (`stddef.h` in clang's resource directory), which
# `libclang-dev` brings through `libclang-common-N-dev`.
#
# SETUP_ROOT (tests only) is prepended to every searched path, so tests can check the
# detection against a made-up file tree.
set -euo pipefail

root="${SETUP_ROOT:-}"
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

# The directories clang-sys searches on Linux (build/common.rs, DIRECTORIES_LINUX),
# after LIBCLANG_PATH and llvm-config.
libclang_dirs() {
  if [ -n "${LIBCLANG_PATH:-}" ]; then
    echo "$root$LIBCLANG_PATH"
    return
  fi
  if [ -z "$root" ] && command -v llvm-config >/dev/null 2>&1; then
    llvm-config --libdir 2>/dev/null || true
  fi
  local pattern
  for pattern in "/usr/local/llvm*/lib*" "/usr/local/lib*/*/*" "/usr/local/lib*/*" "/usr/local/lib*" \
                 "/usr/lib*/*/*" "/usr/lib*/*" "/usr/lib*" "/usr/lib/llvm-*/lib"; do
    compgen -G "$root$pattern" || true
  done
}

has_libclang() {
  local dir file name
  while IFS= read -r dir; do
    [ -d "$dir" ] || continue
    for file in "$dir"/libclang.so "$dir"/libclang-*.so "$dir"/libclang.so.* "$dir"/libclang-*.so.*; do
      [ -e "$file" ] || continue
      name="$(basename "$file")"
      case "$name" in *-cpp.*|*-cpp*.so*) continue ;; esac
      return 0
    done
  done < <(libclang_dirs | sort -u)
  return 1
}

has_clang_headers() {
  compgen -G "$root/usr/lib/llvm-*/lib/clang/*/include/stddef.h" >/dev/null \
    || compgen -G "$root/usr/lib/clang/*/include/stddef.h" >/dev/null \
    || compgen -G "$root/usr/local/lib/clang/*/include/stddef.h" >/dev/null
}

has_cc() {
  if [ -n "$root" ]; then
    [ -x "$root/usr/bin/cc" ]
  else
    command -v cc >/dev/null 2>&1
  fi
}

# Node 18+ and npm run Prisma's own schema engine (wasm), the test oracle for the
# Prisma reader (scripts/prisma-oracle.sh), and playwright-core, which drives Chromium
# in the HTML report's browser test (scripts/browser-test.sh); the test command needs
# them, building dblint does not. Debian 12's nodejs is 18.
has_node() {
  if [ -n "$root" ]; then
    [ -x "$root/usr/bin/node" ] && [ -x "$root/usr/bin/npm" ]
  else
    command -v npm >/dev/null 2>&1 \
      && node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' >/dev/null 2>&1
  fi
}

# Python 3 that can make a virtual environment with pip in it (scripts/packaging.sh).
# Debian's python3 cannot until python3-venv brings pip's wheel
# (/usr/share/python-wheels); other builds carry it in ensurepip/_bundled.
has_python_venv() {
  if [ -n "$root" ]; then
    [ -x "$root/usr/bin/python3" ] || [ -x "$root/usr/local/bin/python3" ] || return 1
    compgen -G "$root/usr/share/python-wheels/pip-*.whl" >/dev/null \
      || compgen -G "$root/usr/lib/python3*/ensurepip/_bundled/pip-*.whl" >/dev/null \
      || compgen -G "$root/usr/local/lib/python3*/ensurepip/_bundled/pip-*.whl" >/dev/null
  else
    command -v python3 >/dev/null 2>&1 || return 1
    local probe
    probe="$(mktemp -d)"
    python3 -m venv "$probe/venv" >/dev/null 2>&1 && [ -x "$probe/venv/bin/pip" ]
    local ok=$?
    rm -rf "$probe"
    return $ok
  fi
}

# Debian's Chromium: scripts/browser-test.sh opens the HTML report in it (headless,
# through playwright-core with executablePath /usr/bin/chromium). Only that path counts:
# the test launches it by that path, and a snap's or Google's build elsewhere is not it.
has_chromium() {
  [ -x "$root/usr/bin/chromium" ]
}

missing=()
has_cc || missing+=(gcc)
if ! has_libclang || ! has_clang_headers; then
  missing+=(libclang-dev)
fi
has_node || missing+=(nodejs npm)
has_python_venv || missing+=(python3 python3-venv)
has_chromium || missing+=(chromium)

if $check_only; then
  if ((${#missing[@]})); then
    echo "setup: missing ${missing[*]}"
    exit 1
  fi
  echo "setup: nothing missing"
  exit 0
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]} (apt-get; one time, a minute or two)" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  if ! has_node; then
    echo "setup: nodejs and npm are installed but no Node 18 or later was found (the Prisma oracle and the browser test need it); install Node 18+ from nodesource.com or nvm" >&2
    exit 1
  fi
  if ! has_python_venv; then
    echo "setup: python3 and python3-venv are installed but \`python3 -m venv\` cannot make an environment with pip (the packaging tests need it)" >&2
    exit 1
  fi
  if ! has_chromium; then
    echo "setup: chromium is installed but /usr/bin/chromium is not an executable (the HTML report's browser test launches it by that path)" >&2
    exit 1
  fi
  if ! has_libclang || ! has_clang_headers; then
    echo "setup: libclang-dev is installed but no libclang that bindgen can load was found; set LIBCLANG_PATH to the directory holding libclang.so" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: a Rust toolchain (cargo) is required; see https://rustup.rs" >&2
  exit 1
fi

# The first build compiles libpg_query (PostgreSQL's parser, C) and takes several
# minutes on two cores; say so instead of sitting silent.
target="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}"
if [ -z "$root" ] && ! compgen -G "$target/*/build/pg_query-*/out" >/dev/null; then
  echo "setup: first build: compiling PostgreSQL's parser (libpg_query) and dependencies; this takes 3-5 minutes on two cores" >&2
fi
