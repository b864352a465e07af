// Diagnostics for the gateway's proxy tests and the benchmarks: a large body in each direction,
// streamed (never held whole in memory) and checked by SHA-256 at the far end.
import { Hono } from "hono";

/** The largest diag body either way. main.ts gives Bun.serve the same limit, so Bun answers 413 beyond it. */
export const DIAG_MAX_BYTES = 1024 ** 3;
const CHUNK_BYTES = 64 * 1024;

// byte[i] = (i * 31 + 7) & 0xff repeats every 256 bytes and a chunk is a multiple of 256 long,
// so every chunk starts alike: one template, cut short for the last chunk.
const PATTERN_CHUNK = Uint8Array.from({ length: CHUNK_BYTES }, (_, i) => (i * 31 + 7) & 0xff);

function* patternChunks(total: number): Generator<Uint8Array> {
  for (let done = 0; done < total; done += CHUNK_BYTES) yield PATTERN_CHUNK.subarray(0, Math.min(CHUNK_BYTES, total - done));
}

export function diagRoutes() {
  const app = new Hono();

  app.post("/upload", async (c) => {
    const hasher = new Bun.CryptoHasher("sha256");
    let bytes = 0;
    const reader = c.req.raw.body?.getReader();
    if (reader) {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        hasher.update(r.value);
        bytes += r.value.byteLength;
      }
    }
    return c.json({ bytes, sha256: hasher.digest("hex") });
  });

  app.get("/download", (c) => {
    const text = c.req.query("bytes") ?? "";
    const bytes = Number(text);
    if (!/^\d+$/.test(text) || bytes > DIAG_MAX_BYTES) {
      return c.json({ error: `bytes must be an integer from 0 to ${DIAG_MAX_BYTES}` }, 400);
    }
    const hasher = new Bun.CryptoHasher("sha256");
    for (const chunk of patternChunks(bytes)) hasher.update(chunk);
    const chunks = patternChunks(bytes);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        // A copy: the stream may hold or hand over the chunk, and the template must stay intact.
        if (next.done) controller.close();
        else controller.enqueue(next.value.slice());
      },
    });
    // Bun 1.4 drops a content-length set on a streamed body and sends it chunked (oven-sh/bun#10507),
    // so the length is not announced; the byte count and x-content-sha256 are what to check.
    return new Response(body, {
      headers: { "content-type": "application/octet-stream", "x-content-sha256": hasher.digest("hex") },
    });
  });

  // An app that takes its time: the gateway's proxy timeout and slow first requests are tested with it.
  app.on(["GET", "POST"], "/sleep", async (c) => {
    const text = c.req.query("ms") ?? "";
    if (!/^\d{1,6}$/.test(text)) return c.json({ error: "ms must be an integer from 0 to 999999" }, 400);
    await Bun.sleep(Number(text));
    return c.json({ slept: Number(text) });
  });

  return app;
}
