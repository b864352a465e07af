// After htmx replaces the part of a page a person just acted on (add, approve, reject, save), the
// button they pressed is gone and the browser's focus falls back to <body>: a keyboard or
// screen-reader user would start again from the top of the page. Focus goes to the changed
// region instead: to its first invalid field when the answer refused something, else to its
// message, else to the region itself. Swaps nobody asked for (a refresh every few seconds) and
// focus that is still somewhere on the page are left alone.
let acted;

document.addEventListener("htmx:beforeSwap", (event) => {
  const how = event.detail.requestConfig?.triggeringEvent?.type;
  acted = how === "submit" || how === "click" ? event.detail.target?.id : undefined;
});

// htmx:load fires on the new content once it is in the page (after-swap events fire on the
// replaced element, which is no longer in the document, so they never reach it).
document.addEventListener("htmx:load", (event) => {
  const region = acted ? document.getElementById(acted) : null;
  if (!region || !(region === event.target || region.contains(event.target))) return;
  acted = undefined;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const place = region.querySelector('[aria-invalid="true"]') ?? region.querySelector('[role="alert"], [role="status"]') ?? region;
  if (!place.matches("a[href], button, input, select, textarea, [tabindex]")) place.setAttribute("tabindex", "-1");
  place.focus();
});
