// Files imported `with { type: "file" }` resolve to a path (inside the executable once compiled).
declare module "*.css" {
  const path: string;
  export default path;
}
declare module "*.node" {
  const path: string;
  export default path;
}
declare module "htmx.org/dist/htmx.min.js" {
  const path: string;
  export default path;
}
declare module "uplot/dist/uPlot.iife.min.js" {
  const path: string;
  export default path;
}
declare module "*.svg" {
  const path: string;
  export default path;
}
declare module "*/static/feature-app.js" {
  const path: string;
  export default path;
}
declare module "*/static/set-charts.js" {
  const path: string;
  export default path;
}
declare module "*/static/admin-charts.js" {
  const path: string;
  export default path;
}
declare module "*/static/feature-charts.js" {
  const path: string;
  export default path;
}
declare module "*/static/focus-after-swap.js" {
  const path: string;
  export default path;
}
declare module "*/static/field-checks.js" {
  const path: string;
  export default path;
}
