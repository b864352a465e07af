// Every text the feature app's pages show, in English and Korean, in the same shape as the
// gateway's catalog (src/i18n/messages.ts): a Korean entry missing for an English one is a type error.
import type { Locale } from "../src/i18n/messages";

const en = {
  "app.name": "5G Feature Manager",
  "lang.switch": "Language",
  "lang.en": "English",
  "lang.ko": "한국어",
  "nav.signedInAs": "Signed in as {name}",
  "nav.signOut": "Sign out",
  "nav.console": "Admin console",
  "catalog.title": "Feature catalog",
  "catalog.summary": "{count} features in the demo catalog.",
  "catalog.perRelease": "Features per release",
  "catalog.id": "ID",
  "catalog.name": "Name",
  "catalog.category": "Category",
  "catalog.release": "Release",
  "catalog.status": "Status",
  "catalog.parameters": "Parameters",
  "status.planned": "planned",
  "status.trial": "trial",
  "status.active": "active",
  "status.deprecated": "deprecated",
  "connection.connecting": "connecting…",
  "connection.connected": "connected",
  "connection.reconnecting": "reconnecting… (attempt {attempt})",
};

const ko: Record<keyof typeof en, string> = {
  "app.name": "5G 기능 관리자",
  "lang.switch": "언어",
  "lang.en": "English",
  "lang.ko": "한국어",
  "nav.signedInAs": "{name}(으)로 로그인됨",
  "nav.signOut": "로그아웃",
  "nav.console": "관리 콘솔",
  "catalog.title": "기능 카탈로그",
  "catalog.summary": "데모 카탈로그의 기능 {count}개",
  "catalog.perRelease": "릴리스별 기능 수",
  "catalog.id": "ID",
  "catalog.name": "이름",
  "catalog.category": "분류",
  "catalog.release": "릴리스",
  "catalog.status": "상태",
  "catalog.parameters": "파라미터",
  "status.planned": "계획됨",
  "status.trial": "시험 중",
  "status.active": "사용 중",
  "status.deprecated": "지원 중단",
  "connection.connecting": "연결하는 중…",
  "connection.connected": "연결됨",
  "connection.reconnecting": "다시 연결하는 중… ({attempt}번째 시도)",
};

export type AppMessageKey = keyof typeof en;
export type AppTranslate = (key: AppMessageKey, params?: Record<string, string | number>) => string;

const CATALOG: Record<Locale, Record<AppMessageKey, string>> = { en, ko };

export function appTranslator(locale: Locale): AppTranslate {
  const messages = CATALOG[locale];
  return (key, params) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}
