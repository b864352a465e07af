// Talking to a real feature-app process about feature sets and the catalog: JSON API calls, form
// posts the way the pages' forms send them, and file uploads to the import page.
import type { RunningApp } from "./instance";

export async function api(app: RunningApp, method: string, path: string, body?: unknown) {
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers: { ...app.auth, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  return { status: response.status, text, json: json as any, headers: response.headers };
}

export async function postForm(app: RunningApp, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { ...app.auth, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, location: response.headers.get("location"), body: await response.text() };
}

export async function getPage(app: RunningApp, path: string) {
  const response = await fetch(`${app.url}${path}`, { headers: app.auth });
  return { status: response.status, body: await response.text() };
}

export async function createSet(app: RunningApp, name: string, content?: unknown): Promise<{ id: number; revision: number }> {
  const created = await api(app, "POST", "/app/api/feature-sets", { name, content });
  if (created.status !== 201) throw new Error(`creating a set failed: ${created.status} ${created.text}`);
  return created.json;
}

/** A multipart form with the file in the `file` field, as the import page and the import API take it. */
export function fileForm(name: string, content: string): FormData {
  const form = new FormData();
  form.append("file", new File([content], name));
  return form;
}

/** Uploads through the import page; returns the draft's path. */
export async function uploadDraft(app: RunningApp, name: string, content: string): Promise<string> {
  const response = await fetch(`${app.url}/app/import`, { method: "POST", headers: app.auth, body: fileForm(name, content), redirect: "manual" });
  if (response.status !== 303) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return response.headers.get("location")!;
}
