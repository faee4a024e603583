#!/usr/bin/env bash
# Install what building dblint needs and a fresh machine may lack: a C compiler and
# libclang (pg_query compiles libpg_query, the PostgreSQL parser, and generates its
# bindings with bindgen). Idempotent: does nothing when both are present.
set -euo pipefail

missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc)
if ! compgen -G "/usr/lib/llvm-*/lib/libclang*.so*" >/dev/null && ! ldconfig -p 2>/dev/null | grep -q 'libclang[-.0-9]*\.so'; then
  missing+=(libclang-dev)
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: a Rust toolchain (cargo) is required; see https://rustup.rs" >&2
  exit 1
fi
