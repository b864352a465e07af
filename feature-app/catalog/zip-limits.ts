// An XLSX is a zip, and a 1.5 MB upload can hold a worksheet of 1.5 GB of whitespace: read by
// exceljs, it would take a feature app from 60 MB to gigabytes before any sampler notices. So before
// a workbook is parsed, its zip directory is read (every part's sizes, no data unpacked): each
// part and the total must stay under the limit, and no large part may be compressed more than a
// real workbook ever is. The directory can lie, so each part is then inflated as a stream that is
// counted and dropped chunk by chunk, and refused the moment it outgrows what the directory said.
import { Inflate } from "fflate";
import { CatalogFileError } from "./catalog-file-error";

/** Real workbooks compress about 5–30:1; whitespace or zeros reach 1000:1. */
export const MAX_COMPRESSION_RATIO = 100;
/** Small parts may compress well (a shared style sheet); the ratio only matters for large ones. */
const RATIO_FROM_BYTES = 1024 * 1024;
/** The streaming check hands the inflater this much compressed data at a time. */
const CHUNK = 4 * 1024;

interface ZipPart {
  name: string;
  method: number;
  compressed: number;
  uncompressed: number;
  localHeader: number;
}

const mb = (bytes: number) => Math.ceil(bytes / 1024 / 1024);

function centralDirectory(bytes: Uint8Array): ZipPart[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-directory record is in the last 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new CatalogFileError("file.zipDamaged");
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  // ZIP64 marks its fields 0xFFFF/0xFFFFFFFF; no workbook within the upload limit needs it.
  if (count === 0xffff || at === 0xffffffff) throw new CatalogFileError("file.zipDamaged");
  const parts: ZipPart[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new CatalogFileError("file.zipDamaged");
    const nameLength = view.getUint16(at + 28, true);
    const part: ZipPart = {
      method: view.getUint16(at + 10, true),
      compressed: view.getUint32(at + 20, true),
      uncompressed: view.getUint32(at + 24, true),
      localHeader: view.getUint32(at + 42, true),
      name: decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
    };
    if (part.compressed === 0xffffffff || part.uncompressed === 0xffffffff) throw new CatalogFileError("file.zipDamaged");
    parts.push(part);
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return parts;
}

/** Inflates one part as a stream, keeping nothing, and refuses it once it outgrows its declared size. */
function verifyPart(bytes: Uint8Array, part: ZipPart): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = part.localHeader;
  if (header + 30 > bytes.length || view.getUint32(header, true) !== 0x04034b50) throw new CatalogFileError("file.zipDamaged");
  const start = header + 30 + view.getUint16(header + 26, true) + view.getUint16(header + 28, true);
  const data = bytes.subarray(start, start + part.compressed);
  if (part.method === 0) {
    if (data.length !== part.uncompressed) throw new CatalogFileError("file.zipLies", { part: part.name });
    return;
  }
  if (part.method !== 8) throw new CatalogFileError("file.zipMethod", { part: part.name });
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > part.uncompressed) throw new CatalogFileError("file.zipLies", { part: part.name });
  });
  for (let offset = 0; offset < data.length; offset += CHUNK) inflater.push(data.subarray(offset, offset + CHUNK), offset + CHUNK >= data.length);
}

/** Throws CatalogFileError when the workbook would unpack to more than `maxBytes`, or looks like a bomb. */
export function checkZipLimits(bytes: Uint8Array, maxBytes: number): void {
  const parts = centralDirectory(bytes);
  let total = 0;
  for (const part of parts) {
    total += part.uncompressed;
    if (total > maxBytes) throw new CatalogFileError("file.zipTooLarge", { mb: mb(parts.reduce((sum, p) => sum + p.uncompressed, 0)), max: mb(maxBytes) });
    if (part.uncompressed > RATIO_FROM_BYTES && part.uncompressed > part.compressed * MAX_COMPRESSION_RATIO) {
      throw new CatalogFileError("file.zipRatio", { part: part.name, ratio: Math.round(part.uncompressed / Math.max(1, part.compressed)), max: MAX_COMPRESSION_RATIO });
    }
  }
  for (const part of parts) verifyPart(bytes, part);
}
