// Which text encoding an uploaded CSV or JSON file is in. Korean Excel saves "CSV" in CP949 unless
// told otherwise, and "Unicode text" as UTF-16 with a BOM. Bun's TextDecoder implements the WHATWG
// "euc-kr" decoder, which is Windows code page 949 (EUC-KR plus the extra Hangul of UHC), so no
// extra library is needed. A BOM decides; otherwise strict UTF-8 first (a CP949 file is almost
// never valid UTF-8), then strict CP949; anything else is refused rather than guessed.
export type TextEncodingName = "UTF-8" | "UTF-16LE" | "UTF-16BE" | "CP949";

const DECODER_LABELS: Record<TextEncodingName, string> = { "UTF-8": "utf-8", "UTF-16LE": "utf-16le", "UTF-16BE": "utf-16be", CP949: "euc-kr" };

function bomEncoding(bytes: Uint8Array): { encoding: TextEncodingName; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "UTF-8", skip: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "UTF-16LE", skip: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "UTF-16BE", skip: 2 };
  return undefined;
}

function strict(encoding: TextEncodingName, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(DECODER_LABELS[encoding], { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The text and the encoding it was read in, or undefined when it is none of the four. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName } | undefined {
  const bom = bomEncoding(bytes);
  const candidates: TextEncodingName[] = bom ? [bom.encoding] : ["UTF-8", "CP949"];
  const body = bom ? bytes.subarray(bom.skip) : bytes;
  for (const encoding of candidates) {
    const text = strict(encoding, body);
    if (text !== undefined) return { text, encoding };
  }
  return undefined;
}
