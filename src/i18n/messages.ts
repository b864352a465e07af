// Every text a page shows, in English and Korean. Keys are checked by the compiler: a Korean
// entry missing for an English one is a type error, so no page falls back to English unnoticed.
const en = {
  "app.name": "5G Feature Manager",
  "app.tagline": "Your team's 5G feature catalog, configurations and JSON exports in one place.",
  "lang.switch": "Language",
  "lang.en": "English",
  "lang.ko": "한국어",
  "home.yourAddress": "Your address",
  "home.recognisedAs": "This address belongs to {name} ({role}).",
  "home.disabled": "The account {name} is disabled. Ask your administrator to enable it.",
  "home.unknown": "This address is not registered. Ask your administrator for access and give them the address above.",
  "home.notSetUp.title": "Not set up yet",
  "home.notSetUp.remote": "This server has no administrator yet. It can only be set up from the server machine itself.",
  "home.notSetUp.local": "No administrator exists yet. On this machine, create the first one:",
  "home.comingNext": "Sign-in and the feature app open from this page once your account is set up.",
  "role.admin": "administrator",
  "role.user": "user",
  "footer.version": "Version {version}",
  "error.notFound": "This page does not exist.",
  "error.generic": "Something went wrong. The details are in the server log.",
  "error.back": "Back to the start page",
} as const;

export type MessageKey = keyof typeof en;

const ko: Record<MessageKey, string> = {
  "app.name": "5G 기능 관리자",
  "app.tagline": "팀의 5G 기능 카탈로그, 구성, JSON 내보내기를 한곳에서 관리합니다.",
  "lang.switch": "언어",
  "lang.en": "English",
  "lang.ko": "한국어",
  "home.yourAddress": "접속 주소",
  "home.recognisedAs": "이 주소는 {name}({role}) 계정에 등록되어 있습니다.",
  "home.disabled": "{name} 계정이 비활성화되어 있습니다. 관리자에게 활성화를 요청하세요.",
  "home.unknown": "등록되지 않은 주소입니다. 위 주소를 관리자에게 알려 주고 접근 권한을 요청하세요.",
  "home.notSetUp.title": "아직 설정되지 않음",
  "home.notSetUp.remote": "이 서버에는 아직 관리자가 없습니다. 서버 컴퓨터에서 직접 설정해야 합니다.",
  "home.notSetUp.local": "아직 관리자가 없습니다. 이 컴퓨터에서 첫 관리자를 만드세요:",
  "home.comingNext": "계정이 설정되면 이 페이지에서 로그인하고 기능 앱을 열 수 있습니다.",
  "role.admin": "관리자",
  "role.user": "사용자",
  "footer.version": "버전 {version}",
  "error.notFound": "페이지를 찾을 수 없습니다.",
  "error.generic": "문제가 발생했습니다. 자세한 내용은 서버 로그에 있습니다.",
  "error.back": "시작 페이지로 돌아가기",
};

export const LOCALES = ["en", "ko"] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOG: Record<Locale, Record<MessageKey, string>> = { en, ko };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const messages = CATALOG[locale];
  return (key, params) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}
