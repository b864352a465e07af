// Gives the Windows executable our own icon and version resource after `bun build --compile`.
// Bun 1.4 ignores its `compile.windows` options when cross-compiling from Linux, so the exe would show
// Bun's icon and "Bun / Oven / bun.exe" in Explorer, Task Manager, the firewall prompt and SmartScreen.
//
// Bun keeps the program (its `.bun` section) AFTER the resource section, and resedit/pe-library can only
// rewrite a resource section that is followed by nothing but relocations. So the resources are parsed
// from a view of the headers that leaves `.bun` out, and the new resource section is written back in
// place, in the room Bun's own resources took: no other section moves, the program is not touched.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import * as PE from "pe-library";
import * as ResEdit from "resedit";

export interface ExeIdentity {
  productName: string;
  fileDescription: string;
  companyName: string;
  /** "1.2.3" from package.json; the binary version is 1.2.3.0. */
  version: string;
  originalFilename: string;
  internalName: string;
  legalCopyright: string;
  /** .ico file contents. */
  icon: Uint8Array;
}

/** US English, Unicode: the language Windows falls back to for every display language. */
const LANGUAGE = { lang: 1033, codepage: 1200 };
const RESOURCE_DIRECTORY = 2;
const VOS_NT_WINDOWS32 = 0x40004;
const VFT_APP = 1;

interface PeLayout {
  sectionCount: number;
  coffHeader: number;
  optionalHeader: number;
  sectionTable: number;
}

function layout(bytes: Buffer): PeLayout {
  if (bytes.toString("latin1", 0, 2) !== "MZ") throw new Error("not a Windows executable (no MZ header)");
  const pe = bytes.readUInt32LE(0x3c);
  if (bytes.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("not a Windows executable (no PE header)");
  const coffHeader = pe + 4;
  const optionalHeader = coffHeader + 20;
  if (bytes.readUInt16LE(optionalHeader) !== 0x20b) throw new Error("not a 64-bit Windows executable");
  return { sectionCount: bytes.readUInt16LE(coffHeader + 2), coffHeader, optionalHeader, sectionTable: optionalHeader + bytes.readUInt16LE(coffHeader + 16) };
}

function sectionName(bytes: Buffer, table: number, index: number): string {
  return bytes.toString("latin1", table + 40 * index, table + 40 * index + 8).replace(/\0+$/, "");
}

/** The executable as pe-library may read it: Bun's trailing `.bun` section left out of the section count. */
function withoutBunSection(bytes: Buffer): PE.NtExecutable {
  const { sectionCount, coffHeader, sectionTable } = layout(bytes);
  const view = Buffer.from(bytes);
  if (sectionName(bytes, sectionTable, sectionCount - 1) === ".bun") view.writeUInt16LE(sectionCount - 1, coffHeader + 2);
  return PE.NtExecutable.from(view, { ignoreCert: true });
}

/** The resource entries of an executable (icons, version, manifest). */
export function readResources(file: string): ResEdit.Resource.ResourceEntry[] {
  return ResEdit.NtExecutableResource.from(withoutBunSection(readFileSync(file))).entries;
}

/** Replaces the executable's icon and version resource; every other resource (the manifest) is kept. */
export function setExeIdentity(file: string, identity: ExeIdentity): void {
  const bytes = readFileSync(file);
  const exe = withoutBunSection(bytes);
  const resources = ResEdit.NtExecutableResource.from(exe);
  const before = exe.getSectionByEntry(RESOURCE_DIRECTORY);
  if (!before) throw new Error("the executable has no resource section to replace");

  resources.entries = resources.entries.filter((entry) => entry.type !== 3 && entry.type !== 14 && entry.type !== 16);
  const icon = ResEdit.Data.IconFile.from(identity.icon);
  ResEdit.Resource.IconGroupEntry.replaceIconsForResource(resources.entries, 1, LANGUAGE.lang, icon.icons.map((item) => item.data));
  const version = ResEdit.Resource.VersionInfo.createEmpty();
  version.lang = LANGUAGE.lang;
  version.fixedInfo.fileOS = VOS_NT_WINDOWS32;
  version.fixedInfo.fileType = VFT_APP;
  const [major = 0, minor = 0, patch = 0] = identity.version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  version.setFileVersion(major, minor, patch, 0, LANGUAGE.lang);
  version.setProductVersion(major, minor, patch, 0, LANGUAGE.lang);
  version.setStringValues(LANGUAGE, {
    ProductName: identity.productName,
    FileDescription: identity.fileDescription,
    CompanyName: identity.companyName,
    FileVersion: identity.version,
    ProductVersion: identity.version,
    OriginalFilename: identity.originalFilename,
    InternalName: identity.internalName,
    LegalCopyright: identity.legalCopyright,
  });
  version.outputToResourceEntries(resources.entries);

  // noGrow: the section keeps its place and size, so nothing after it (relocations, `.bun`) moves.
  try {
    resources.outputResource(exe, true, false);
  } catch (error) {
    throw new Error(`the new icon and version do not fit in the room Bun's resources took (${before.info.sizeOfRawData} bytes): use a smaller icon`, {
      cause: error,
    });
  }
  const after = exe.getSectionByEntry(RESOURCE_DIRECTORY)!;
  if (after.info.virtualAddress !== before.info.virtualAddress || after.data!.byteLength > before.info.sizeOfRawData) {
    throw new Error("the resource section moved while being rewritten; refusing to write a broken executable");
  }
  const { optionalHeader, sectionTable, sectionCount } = layout(bytes);
  const index = Array.from({ length: sectionCount }, (_, i) => i).find((i) => bytes.readUInt32LE(sectionTable + 40 * i + 12) === before.info.virtualAddress);
  if (index === undefined) throw new Error("the resource section is not in the section table");
  const data = Buffer.alloc(before.info.sizeOfRawData);
  data.set(new Uint8Array(after.data!));
  const header = Buffer.alloc(4);
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, data, 0, data.length, before.info.pointerToRawData);
    header.writeUInt32LE(after.info.virtualSize);
    writeSync(fd, header, 0, 4, sectionTable + 40 * index + 8);
    // Data directory 2 (resources) is at offset 112 + 2×8 of the PE32+ optional header: its size follows its address.
    writeSync(fd, header, 0, 4, optionalHeader + 112 + RESOURCE_DIRECTORY * 8 + 4);
  } finally {
    closeSync(fd);
  }
}
