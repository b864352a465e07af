// CSV files people open in Excel. Korean Excel reads a CSV without a byte-order mark in the ANSI
// code page (CP949), so Korean names come out garbled; with the UTF-8 mark it reads UTF-8. Every CSV
// we hand out goes through here. (Our own imports drop the mark again.)
export const UTF8_BOM = "\uFEFF";

export function csvForExcel(csv: string): string {
  return `${UTF8_BOM}${csv}`;
}
