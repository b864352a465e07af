// What the CLI writes when its output is redirected on Windows. In a console window Bun writes
// Unicode and Korean shows as it should; but `5gfm user list > users.txt` gets UTF-8 bytes, and
// `type`, `findstr`, `more` and Notepad's ANSI mode read them in the console's code page (949 on
// Korean Windows): 관리자 comes out as 愿由ъ옄. So on a Windows whose consoles use an East Asian
// code page, redirected output is written in it, as Windows' own tools do. Bun switches its console
// to UTF-8 (65001) as it starts, so the code page chcp showed cannot be read back: the system's OEM
// code page, the one every console starts with, is used. Elsewhere (437, 850…, which cannot hold
// Korean anyway) the output stays UTF-8. FGM_OUTPUT_ENCODING chooses instead, on any platform:
// utf-8, utf-8-bom (for Excel and other Unicode-aware programs) or a code page such as cp949.
import { format } from "node:util";
import { UsageError } from "../errors";

export type OutputEncoding = { kind: "utf-8"; bom: boolean } | { kind: "codepage"; name: string };

const UTF8: OutputEncoding = { kind: "utf-8", bom: false };
/** Japanese, Simplified Chinese, Korean, Traditional Chinese. */
const EAST_ASIAN_CODE_PAGES = [932, 936, 949, 950];

export interface EncodingFacts {
  platform: string;
  isTTY: boolean;
  /** FGM_OUTPUT_ENCODING, if set. */
  requested?: string;
  /** The system's OEM code page (GetOEMCP): what its consoles start with. */
  oemCodePage: () => number;
  /** Whether the encoder knows this code page name. */
  known: (name: string) => boolean;
}

export function chooseEncoding(facts: EncodingFacts): OutputEncoding {
  const requested = facts.requested?.trim().toLowerCase();
  if (requested) {
    if (requested === "utf-8" || requested === "utf8") return UTF8;
    if (requested === "utf-8-bom" || requested === "utf8-bom") return { kind: "utf-8", bom: true };
    if (facts.known(requested)) return { kind: "codepage", name: requested };
    throw new UsageError(`FGM_OUTPUT_ENCODING: unknown encoding '${facts.requested}' (use utf-8, utf-8-bom or a code page such as cp949)`);
  }
  if (facts.platform !== "win32" || facts.isTTY) return UTF8;
  const codePage = facts.oemCodePage();
  return EAST_ASIAN_CODE_PAGES.includes(codePage) && facts.known(`cp${codePage}`) ? { kind: "codepage", name: `cp${codePage}` } : UTF8;
}

function windowsOemCodePage(): number {
  try {
    const { dlopen } = require("bun:ffi") as typeof import("bun:ffi");
    const kernel32 = dlopen("kernel32.dll", { GetOEMCP: { args: [], returns: "u32" } });
    const codePage = kernel32.symbols.GetOEMCP() as number;
    kernel32.close();
    return codePage;
  } catch {
    return 0;
  }
}

type Write = (chunk: string | Uint8Array) => boolean;

/** Re-encodes what console.* and process.stdout/stderr.write send to one stream. */
function encodeStream(stream: NodeJS.WriteStream, encoding: OutputEncoding, encode: (text: string) => Uint8Array, logs: ("log" | "info" | "debug" | "error" | "warn")[]): void {
  const write = stream.write.bind(stream) as Write;
  let first = true;
  const put = (chunk: string | Uint8Array): boolean => {
    if (first && encoding.kind === "utf-8" && encoding.bom) write(new Uint8Array([0xef, 0xbb, 0xbf]));
    first = false;
    try {
      return write(typeof chunk === "string" ? encode(chunk) : chunk);
    } catch (error) {
      // A reader that went away (`| more` quit early) is no error of ours, as with Bun's own console.
      if ((error as NodeJS.ErrnoException).code === "EPIPE") return false;
      throw error;
    }
  };
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const done = put(chunk);
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return done;
  }) as typeof stream.write;
  // Bun's console writes to the file descriptor itself, past process.stdout.write.
  for (const method of logs) console[method] = (...args: unknown[]) => void put(`${format(...args)}\n`);
}

/** Applies the chosen encoding to stdout and stderr, each decided on its own (one may be a console). */
export async function useConsoleEncoding(env: Record<string, string | undefined> = process.env): Promise<void> {
  const streams = [
    { stream: process.stdout, logs: ["log", "info", "debug"] as const },
    { stream: process.stderr, logs: ["error", "warn"] as const },
  ];
  let iconv: typeof import("iconv-lite") | undefined;
  const loadIconv = async () => (iconv ??= (await import("iconv-lite")).default);
  for (const { stream, logs } of streams) {
    const requested = env.FGM_OUTPUT_ENCODING;
    // Only a code page needs the encoder's tables: load them then, not for every command.
    const needsTables = requested ? !/^utf-?8(-bom)?$/i.test(requested.trim()) : process.platform === "win32" && !stream.isTTY;
    const known = needsTables ? ((await loadIconv()).encodingExists as (name: string) => boolean) : () => false;
    const encoding = chooseEncoding({ platform: process.platform, isTTY: Boolean(stream.isTTY), requested, oemCodePage: windowsOemCodePage, known });
    if (encoding.kind === "utf-8" && !encoding.bom) continue;
    const encoder = encoding.kind === "codepage" ? await loadIconv() : undefined;
    const encode = encoder && encoding.kind === "codepage" ? (text: string) => encoder.encode(text, encoding.name) : (text: string) => Buffer.from(text, "utf8");
    encodeStream(stream, encoding, encode, [...logs]);
  }
}
