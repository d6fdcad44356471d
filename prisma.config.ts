import { defineConfig } from "prisma/config";

// Only `prisma generate` is used: migrations are applied by lib/db/migrate.ts because the
// native schema engine cannot be downloaded here.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
