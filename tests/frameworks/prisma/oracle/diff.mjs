// Prisma's own migration SQL between two Prisma schemas, from its wasm schema engine (offline).
// usage: node --experimental-wasm-modules diff.mjs postgresql|sqlite FROM.prisma|- TO.prisma [PG_URL]
// FROM "-" is the empty database. Prints the script Prisma's `migrate diff --script` would print.
import { readFileSync } from "node:fs";
import { SchemaEngine } from "@prisma/schema-engine-wasm";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const [provider, fromPath, toPath, url] = process.argv.slice(2);
let factory;
if (provider === "postgresql") {
  const { PrismaPg } = await import("@prisma/adapter-pg");
  factory = new PrismaPg({ connectionString: url || "postgresql://postgres@127.0.0.1:5432/postgres" });
} else if (provider === "sqlite") {
  const { PrismaLibSql } = await import("@prisma/adapter-libsql");
  factory = new PrismaLibSql({ url: "file::memory:" });
} else {
  console.error(`unsupported provider ${provider}`);
  process.exit(2);
}
const target = (path) => path === "-" ? { tag: "empty" }
  : { tag: "schemaDatamodel", files: [{ path, content: readFileSync(path, "utf8") }] };
const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
const result = await engine.diff({
  from: target(fromPath), to: target(toPath), script: true, exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
process.stdout.write(result.stdout ?? "");
process.exit(0);
