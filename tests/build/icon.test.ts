import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ICON_FILE, ICON_SIZES, iconFile } from "../../build/icon/draw-icon";

describe("the product icon", () => {
  test("build/icon/5gfm.ico is exactly what build/icon/draw-icon.ts draws", () => {
    expect(iconFile().equals(readFileSync(ICON_FILE))).toBe(true);
  });

  test("it holds every size Windows asks for, small ones as bitmaps and large ones as PNG", () => {
    const ico = readFileSync(ICON_FILE);
    expect(ico.readUInt16LE(2)).toBe(1);
    const entries = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const at = 6 + 16 * i;
      const offset = ico.readUInt32LE(at + 12);
      return { size: ico[at] || 256, bits: ico.readUInt16LE(at + 6), png: ico.readUInt32BE(offset) === 0x89504e47, dibWidth: ico.readInt32LE(offset + 4) };
    });
    expect(entries.map((entry) => entry.size)).toEqual([...ICON_SIZES]);
    for (const entry of entries) {
      expect(entry.bits).toBe(32);
      expect(entry.png).toBe(entry.size >= 128);
      if (!entry.png) expect(entry.dibWidth).toBe(entry.size);
    }
  });
});
