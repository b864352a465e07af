// A field checked as it is typed (htmx swaps the server's answer into the field's error line) is
// marked as the answer says: aria-invalid while the line has an error, as a field refused on save
// is, so the mark (a thicker border, a tint, and what screen readers announce) does not wait for Save.
document.addEventListener("htmx:afterSwap", (event) => {
  const line = event.detail.target;
  const field = event.detail.requestConfig?.elt;
  if (!line?.classList?.contains("field-error") || !(field instanceof HTMLElement) || field === line) return;
  if (line.textContent.trim() === "") field.removeAttribute("aria-invalid");
  else field.setAttribute("aria-invalid", "true");
});
