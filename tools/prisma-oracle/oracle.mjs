// Prisma's own answer to "what SQL does Prisma Migrate run for this schema?", offline.
//
//   node oracle.mjs <schema.prisma | folder of *.prisma>  > expected.sql
//
// Runs @prisma/schema-engine-wasm's `diff` from an empty database to the schema, with a
// canned driver adapter that answers only the engine's version query (PostgreSQL 15),
// so no server is needed. Exit 1 with the engine's message when it rejects the schema.
// Pinned in package.json / package-lock.json; see ../../docs/prisma.md.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');

const target = process.argv[2];
if (!target) {
  console.error('usage: node oracle.mjs <schema.prisma | folder>');
  process.exit(2);
}

// Every *.prisma file below a folder, as Prisma's schema-files loader reads them.
const files = [];
(function walk(p) {
  const st = fs.statSync(p);
  if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  else if (p.endsWith('.prisma')) files.push(p);
})(target);
files.sort();

// Prisma 7 engines reject datasource URLs and removed preview features.
const load = (f) =>
  fs
    .readFileSync(f, 'utf8')
    .replace(/^\s*(url|directUrl|shadowDatabaseUrl)\s*=.*$/gm, '')
    .replace(/^(\s*previewFeatures\s*=.*)$/gm, (l) =>
      l.replace(/,\s*"(metrics|tracing)"/g, '').replace(/"(metrics|tracing)"\s*,?\s*/g, ''),
    );

const rt = await import('@prisma/schema-engine-wasm/schema_engine_bg');
const wasm = path.join(
  path.dirname(require.resolve('@prisma/schema-engine-wasm')),
  'schema_engine_bg.wasm',
);
const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasm)), {
  './schema_engine_bg.js': rt,
});
rt.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start();

const refuse = (what) => async () => {
  throw new Error('oracle: unexpected ' + what);
};
const connection = () => ({
  provider: 'postgres',
  adapterName: '@prisma/adapter-pg',
  queryRaw: async (q) => {
    if (/version\(\)/.test(q.sql))
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [5, 7, 0],
        rows: [[true, 'PostgreSQL 15.18 on x86_64-pc-linux-gnu', 150018]],
      };
    throw new Error('oracle: unexpected query ' + q.sql);
  },
  executeRaw: refuse('executeRaw'),
  executeScript: refuse('executeScript'),
  startTransaction: refuse('transaction'),
  dispose: async () => {},
});
const adapter = bindMigrationAwareSqlAdapterFactory({
  provider: 'postgres',
  adapterName: '@prisma/adapter-pg',
  connect: async () => connection(),
  connectToShadowDb: async () => connection(),
});

try {
  const engine = await rt.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
  const result = await engine.diff({
    from: { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: files.map((f) => ({ path: f, content: load(f) })) },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  process.stdout.write(result.stdout ?? '');
  engine.free();
  process.exit(0);
} catch (e) {
  const m = /External error id#(\d+)/.exec(String(e.message));
  console.error(m ? adapter.errorRegistry.consumeError(+m[1])?.error : String(e.message ?? e));
  process.exit(1);
}
