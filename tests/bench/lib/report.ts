// Writes a run's figures as JSON (with machine, date and commit) and as a markdown table.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { Cell, SectionResult } from "./section";

export interface RunInfo {
  machine: string;
  date: string;
  commit: string;
  command: string;
  quick: boolean;
}

export function runInfo(command: string[], quick: boolean): RunInfo {
  const git = (args: string[]) => Bun.spawnSync(["git", ...args]).stdout.toString().trim();
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) ? "+changes" : "";
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const kernel = readFileSync("/proc/sys/kernel/osrelease", "utf8").trim();
  return {
    machine: `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Linux ${kernel}, Bun ${Bun.version}`,
    date: new Date().toISOString(),
    commit: `${git(["rev-parse", "--short", "HEAD"])}${dirty}`,
    command: command.map((part) => part.replace(`${process.cwd()}/`, "")).join(" "),
    quick,
  };
}

const cell = (value: Cell) => (typeof value === "number" ? value.toLocaleString("en") : value);

export function markdown(info: RunInfo, sections: SectionResult[]): string {
  const lines = [
    `# 5gfm benchmark${info.quick ? " (quick run: indicative only)" : ""}`,
    "",
    `${info.date} · commit ${info.commit} · ${info.machine} · 5gfm started as \`${info.command}\``,
  ];
  for (const section of sections) {
    lines.push("", `## ${section.title}`, "", `| ${section.columns.join(" | ")} |`);
    lines.push(`|${section.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const row of section.rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
    if (section.notes.length > 0) lines.push("", ...section.notes.map((note) => `- ${note}`));
  }
  return `${lines.join("\n")}\n`;
}

/** Writes results/bench-<date>.json and .md plus latest.json/.md; returns the markdown path. */
export function writeResults(info: RunInfo, sections: SectionResult[]): string {
  const dir = join(import.meta.dir, "..", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = info.date.replace(/[:.]/g, "-");
  const json = `${JSON.stringify({ ...info, sections }, null, 2)}\n`;
  const text = markdown(info, sections);
  for (const name of [`bench-${stamp}`, "latest"]) {
    writeFileSync(join(dir, `${name}.json`), json);
    writeFileSync(join(dir, `${name}.md`), text);
  }
  return join(dir, "latest.md");
}
