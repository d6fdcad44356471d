import fs from "node:fs";

/**
 * A small reader of prisma/schema.prisma (models, scalar fields, @map/@@map, @db types,
 * @id/@unique/@@unique/@@index, @relation): just enough to compare the schema with a migrated database.
 */
export interface SchemaColumn {
  column: string;
  type: string; // information_schema data_type, with precision for timestamps
  nullable: boolean;
}
export interface SchemaTable {
  table: string;
  columns: SchemaColumn[];
  primaryKey: string[];
  unique: string[][];
  indexes: string[][];
  /** "col -> table(col)" for each @relation(fields, references): the foreign keys */
  foreignKeys: string[];
}

const SCALAR: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Decimal: "numeric",
};
const NATIVE: Record<string, string> = {
  SmallInt: "smallint",
  Date: "date",
  Text: "text",
  DoublePrecision: "double precision",
};

function columnsOf(list: string, columnName: Map<string, string>): string[] {
  return list.split(",").map((f) => columnName.get(f.trim().replace(/\(.*\)$/, "")) ?? f.trim());
}

export function readPrismaSchema(path: string): SchemaTable[] {
  const text = fs.readFileSync(path, "utf8").replace(/\/\/.*$/gm, "");
  const models = [...text.matchAll(/model\s+(\w+)\s*\{([\s\S]*?)\n\}/g)];
  const modelNames = new Set(models.map((m) => m[1]));
  const tables = models.map(([, name, body]) => {
    const lines = body.split("\n").map((l) => l.trim()).filter(Boolean);
    const columnName = new Map<string, string>();
    const columns: SchemaColumn[] = [];
    const primaryKey: string[] = [];
    const unique: string[][] = [];
    const indexes: string[][] = [];
    const relations: { fields: string; model: string; references: string }[] = [];
    let table = name;
    for (const line of lines) {
      if (line.startsWith("@@")) continue;
      const m = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!m) continue;
      const [, field, type, list, optional, attrs] = m;
      if (modelNames.has(type)) {
        // relation field, no column; the side holding `fields` owns a foreign key
        const rel = /@relation\([^)]*fields:\s*\[([^\]]+)\][^)]*references:\s*\[([^\]]+)\]/.exec(attrs);
        if (rel) relations.push({ fields: rel[1], model: type, references: rel[2] });
        continue;
      }
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? field;
      columnName.set(field, column);
      const native = /@db\.(\w+)(?:\((\d+)\))?/.exec(attrs);
      // Unsupported("conversations"): a type Prisma has no name for, here a table's row type
      let sqlType = type === "Unsupported" ? (/^\("([^"]+)"\)/.exec(attrs)?.[1] ?? type) : SCALAR[type];
      if (native) {
        if (native[1] === "Timestamptz") sqlType = `timestamp(${native[2] ?? 6}) with time zone`;
        else if (native[1] === "Timestamp") sqlType = `timestamp(${native[2] ?? 6}) without time zone`;
        else sqlType = NATIVE[native[1]] ?? native[1].toLowerCase();
      }
      if (list) sqlType = `${sqlType}[]`;
      columns.push({ column, type: sqlType, nullable: Boolean(optional) || Boolean(list) });
      if (/@id\b/.test(attrs)) primaryKey.push(column);
      if (/@unique\b/.test(attrs)) unique.push([column]);
    }
    for (const line of lines) {
      const map = /^@@map\("([^"]+)"\)/.exec(line);
      if (map) table = map[1];
      const u = /^@@unique\(\[([^\]]+)\]/.exec(line);
      if (u) unique.push(columnsOf(u[1], columnName));
      const i = /^@@index\(\[([^\]]+)\]/.exec(line);
      if (i) indexes.push(columnsOf(i[1], columnName));
      const id = /^@@id\(\[([^\]]+)\]/.exec(line);
      if (id) primaryKey.push(...columnsOf(id[1], columnName));
    }
    return { table, columns, primaryKey, unique, indexes, relations, columnName };
  });
  const byModel = new Map(models.map(([, name], i) => [name, tables[i]]));
  return tables.map(({ relations, columnName, ...t }) => ({
    ...t,
    foreignKeys: relations.map((r) => {
      const target = byModel.get(r.model)!;
      return `${columnsOf(r.fields, columnName).join(",")} -> ${target.table}(${columnsOf(r.references, target.columnName).join(",")})`;
    }),
  }));
}
