import { pool } from "@/lib/db/pool";
import { json } from "@/lib/http/responses";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/health: no auth; 503 when the database does not answer within 2 s. */
export async function GET(): Promise<Response> {
  try {
    await Promise.race([
      pool().query("SELECT 1"),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000)),
    ]);
    return json({ status: "ok", database: "ok" });
  } catch {
    return json({ status: "error", database: "unreachable" }, 503);
  }
}
