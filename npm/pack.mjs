// Lay out dblint's npm packages for `npm pack` / `npm publish`: the launcher package
// `dblint` (npm/dblint, its version and optional dependencies filled in) and one
// package per platform binary given, `@dblint/<platform>`, declaring the `os`, `cpu`
// and `libc` npm installs it for (npm/platforms.json).
//
//   node npm/pack.mjs --version 1.2.3 --out DIR [--binary linux-x64=path/to/dblint ...]
//                     [--repository owner/name]
//
// --repository (the GitHub repository published from) fills in `repository`, which
// `npm publish --provenance` checks against the workflow's repository.
// Writes DIR/dblint and DIR/<platform>; exits 2 with one line on a bad argument.
import { copyFileSync, chmodSync, mkdirSync, readFileSync, writeFileSync, cpSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const platforms = JSON.parse(readFileSync(join(here, "platforms.json"), "utf8"));

function fail(message) {
  process.stderr.write(`npm/pack.mjs: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let version = null;
let out = null;
let repository = null;
const binaries = [];
for (let i = 0; i < args.length; i += 2) {
  const [flag, value] = [args[i], args[i + 1]];
  if (value === undefined) fail(`${flag} needs a value`);
  if (flag === "--version") version = value;
  else if (flag === "--out") out = value;
  else if (flag === "--repository") repository = value;
  else if (flag === "--binary") {
    const at = value.indexOf("=");
    const platform = value.slice(0, at);
    if (at < 0 || !platforms[platform]) fail(`--binary ${value}: expected PLATFORM=PATH, PLATFORM one of ${Object.keys(platforms).join(", ")}`);
    if (!existsSync(value.slice(at + 1))) fail(`--binary ${value}: no such file`);
    binaries.push([platform, value.slice(at + 1)]);
  } else fail(`unknown argument ${flag}`);
}
if (!version || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) fail("--version X.Y.Z is required");
if (!out) fail("--out DIR is required");

if (repository !== null && !/^[\w.-]+\/[\w.-]+$/.test(repository)) fail(`--repository ${repository}: expected owner/name`);
const common = {
  license: "MIT",
  ...(repository ? { repository: { type: "git", url: `git+https://github.com/${repository}.git` } } : {}),
};

// The launcher.
const launcher = JSON.parse(readFileSync(join(here, "dblint", "package.json"), "utf8"));
launcher.version = version;
Object.assign(launcher, common);
launcher.optionalDependencies = Object.fromEntries(
  Object.keys(platforms).map((p) => [`@dblint/${p}`, version]),
);
const launcherDir = join(out, "dblint");
mkdirSync(join(launcherDir, "bin"), { recursive: true });
cpSync(join(here, "dblint", "bin", "dblint.js"), join(launcherDir, "bin", "dblint.js"));
chmodSync(join(launcherDir, "bin", "dblint.js"), 0o755);
copyFileSync(join(here, "platforms.json"), join(launcherDir, "platforms.json"));
copyFileSync(join(root, "LICENSE"), join(launcherDir, "LICENSE"));
writeFileSync(join(launcherDir, "README.md"), readFileSync(join(root, "README.md")));
writeFileSync(join(launcherDir, "package.json"), JSON.stringify(launcher, null, 2) + "\n");

// One package per binary.
for (const [platform, binary] of binaries) {
  const entry = platforms[platform];
  const dir = join(out, platform);
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(binary, join(dir, "bin", entry.binary));
  chmodSync(join(dir, "bin", entry.binary), 0o755);
  copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  writeFileSync(
    join(dir, "README.md"),
    `# @dblint/${platform}\n\nThe dblint binary for ${entry.target}. Install \`dblint\`, which depends on this package where it runs.\n`,
  );
  const manifest = {
    name: `@dblint/${platform}`,
    version,
    description: `The dblint binary for ${entry.target}`,
    ...common,
    os: [entry.os],
    cpu: [entry.cpu],
    ...(entry.libc ? { libc: [entry.libc] } : {}),
    files: [`bin/${entry.binary}`],
    preferUnplugged: true,
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
}
