// Prisma's own migration SQL between two Prisma schemas, from its wasm schema engine (offline).
// usage: node --experimental-wasm-modules diff.mjs postgresql|sqlite FROM.prisma|- TO.prisma [PG_URL]
// FROM "-" is the empty database; a folder is every *.prisma file below it (a multi-file schema).
// Prints the script Prisma's `migrate diff --script` would print.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
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
const prismaFiles = (path) => statSync(path).isDirectory()
  ? readdirSync(path).sort().flatMap((name) => prismaFiles(join(path, name)))
  : path.endsWith(".prisma") ? [path] : [];
// Prisma 7 takes the connection URLs from prisma.config.ts and refuses them in a datasource block, and knows
// fewer preview features than older releases; a project on Prisma 6 or older has both: neither changes the
// migration (generator blocks configure the client), so they are left out
const withoutUrls = (text) => text
  .replace(/^[ \t]*generator[ \t]+\w+[ \t]*\{[^}]*\}/gm, "")
  .replace(/^[ \t]*(url|directUrl|shadowDatabaseUrl)[ \t]*=.*$/gm, "");
const target = (path) => path === "-" ? { tag: "empty" }
  : { tag: "schemaDatamodel",
      files: prismaFiles(path).map((p) => ({ path: p, content: withoutUrls(readFileSync(p, "utf8")) })) };
const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
const result = await engine.diff({
  from: target(fromPath), to: target(toPath), script: true, exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
process.stdout.write(result.stdout ?? "");
process.exit(0);
