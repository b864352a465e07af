// Talking to a real feature-app process about feature sets: JSON API calls and form posts, the
// way the set page's forms send them.
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
