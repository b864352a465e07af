// Zip bombs for the XLSX import tests, written by hand so that a 1 GB part costs milliseconds to
// make: one DEFLATE block with fixed Huffman codes, a space, then matches of 258 bytes at
// distance 1 (13 bits each, about 2,500:1). The zip around it declares whatever sizes it is told.

class BitWriter {
  private bytes: number[] = [];
  private current = 0;
  private used = 0;

  /** `value`'s low `count` bits, least significant first (DEFLATE's order for header fields). */
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1);
  }

  /** A Huffman code, most significant bit first. */
  code(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bit((value >> i) & 1);
  }

  private bit(b: number): void {
    this.current |= b << this.used;
    if (++this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }

  finish(): Uint8Array {
    if (this.used > 0) this.bytes.push(this.current);
    return new Uint8Array(this.bytes);
  }
}

/** A raw DEFLATE stream of `1 + 258 * matches` spaces. */
export function spacesDeflated(matches: number): { data: Uint8Array; size: number } {
  const out = new BitWriter();
  out.bits(1, 1); // last block
  out.bits(1, 2); // fixed Huffman codes
  out.code(0x30 + 0x20, 8); // the literal " "
  for (let i = 0; i < matches; i++) {
    out.code(0b11000101, 8); // length 258 (code 285)
    out.code(0, 5); // distance 1
  }
  out.code(0, 7); // end of block
  return { data: out.finish(), size: 1 + 258 * matches };
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** The size the directory declares (the truth, or a lie). */
  declared: number;
  method?: 0 | 8;
}

/** A zip with these parts; CRCs are left at 0, which only a full reader would check. */
export function zipOf(entries: ZipEntry[]): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const method = entry.method ?? 8;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint32(18, entry.data.length, true);
    local.setUint32(22, entry.declared, true);
    local.setUint16(26, name.length, true);
    locals.push(new Uint8Array(local.buffer), name, entry.data);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(10, method, true);
    central.setUint32(20, entry.data.length, true);
    central.setUint32(24, entry.declared, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    centrals.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + entry.data.length;
  }
  const directorySize = centrals.reduce((sum, part) => sum + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directorySize, true);
  end.setUint32(16, offset, true);
  const all = [...locals, ...centrals, new Uint8Array(end.buffer)];
  const result = new Uint8Array(all.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of all) {
    result.set(part, at);
    at += part.length;
  }
  return result;
}
