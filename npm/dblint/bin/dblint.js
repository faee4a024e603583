#!/usr/bin/env node
// The `dblint` command of the npm package: runs the binary from the package for this
// platform (@dblint/<os>-<cpu>[-musl], an optional dependency installed by npm for
// the platform it runs on; no download at install time). DBLINT_BINARY runs another
// binary instead. Standard input, output and error are dblint's own; the exit code and
// a terminating signal are passed on.
"use strict";
const { spawn } = require("node:child_process");
const platforms = require("../platforms.json");

function fail(message) {
  process.stderr.write(`dblint: error: ${message}\n`);
  process.exit(2);
}

// glibc reports its version in Node's diagnostic report; musl (Alpine) does not.
function isMusl() {
  if (process.platform !== "linux") return false;
  const report = typeof process.report?.getReport === "function" ? process.report.getReport() : null;
  return !(report && report.header && report.header.glibcVersionRuntime);
}

function binaryPath() {
  if (process.env.DBLINT_BINARY) return process.env.DBLINT_BINARY;
  const key = `${process.platform}-${process.arch}${isMusl() ? "-musl" : ""}`;
  const entry = platforms[key];
  if (!entry) {
    fail(`no dblint binary is published for ${key} (${Object.keys(platforms).join(", ")}); build it from source: cargo install dblint`);
  }
  const pkg = `@dblint/${key}`;
  try {
    return require.resolve(`${pkg}/bin/${entry.binary}`);
  } catch {
    fail(`the package ${pkg}, which holds dblint's binary for ${key}, is not installed: reinstall dblint with optional dependencies (not --omit=optional, --no-optional or --ignore-optional)`);
  }
}

const binary = binaryPath();
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of forwarded) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => fail(`cannot run ${binary}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    for (const s of forwarded) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
