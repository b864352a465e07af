// The console's uPlot charts. Each element with data-chart gets one: "live" charts poll their
// data-src for new samples (no page reload), "bars" and "line" charts draw a date range once,
// "hours" charts draw the load history's hourly figures once.
// The data comes as columns: { time: [seconds…], <series>: [values…] }; data-series names one
// column, or several separated by spaces (drawn with a legend, labels from data-labels).
const palette = { line: "#1d4ed8", fill: "rgba(29, 78, 216, 0.12)", second: "#b45309" };
const HOUR = 3600;

// Time labels in the page's language and a 24-hour clock ("12월 5일", "20:38"), not uPlot's
// American default ("12/5/26 8:38pm").
const locale = document.documentElement.lang || "en";
const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const clockSeconds = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
const sameDay = (a, b) => a.toDateString() === b.toDateString();
/**
 * Ticks a day or more apart show the date, a minute or more the time, closer ones the seconds too;
 * ticks hours apart also name the day where a new one starts, so "last Tuesday" can be found.
 */
const timeLabels = (_u, splits, _axis, _space, increment) =>
  splits.map((s, i) => {
    const at = new Date(s * 1000);
    if (increment >= 86_400) return day.format(at);
    if (increment < 60) return clockSeconds.format(at);
    const newDay = increment >= HOUR && (i === 0 || !sameDay(at, new Date(splits[i - 1] * 1000)));
    return newDay ? `${day.format(at)}\n${clock.format(at)}` : clock.format(at);
  });

/** The chart's figures as a sentence under it, for those who cannot see the chart ("now 12%; 3–40%"). */
function describe(element, values) {
  const figures = element.parentElement.querySelector("[data-figures]");
  const shown = values.filter((v) => v !== null && v !== undefined);
  if (!figures || shown.length === 0) return;
  const fill = (text) => text.replace("{now}", shown.at(-1)).replace("{min}", Math.min(...shown)).replace("{max}", Math.max(...shown));
  figures.textContent = fill(figures.dataset.figures);
}

function size(element) {
  return { width: Math.max(280, element.clientWidth), height: 220 };
}

function options(element, kind, range) {
  const keys = element.dataset.series.split(" ");
  const labels = element.dataset.labels ? JSON.parse(element.dataset.labels) : keys;
  const bars = kind === "bars" ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  const percent = kind === "live" || "percent" in element.dataset;
  // Hourly lines leave uPlot to show points where they are few, so a lone hour is seen.
  const points = kind === "hours" ? {} : { points: { show: kind === "line" } };
  // A second series (a maximum beside an average) is dashed, so the two differ without colour too.
  const line = (i) => (i === 0 ? { stroke: palette.line, fill: palette.fill } : { stroke: palette.second, dash: [6, 4] });
  // With a legend, it names the hour under the cursor in the page's language.
  const hourLabel = (_u, seconds) => (seconds == null ? "" : `${day.format(new Date(seconds * 1000))} ${clock.format(new Date(seconds * 1000))}`);
  const x = keys.length > 1 ? { label: element.dataset.xLabel, value: hourLabel } : {};
  return {
    ...size(element),
    scales: { x: range ? { time: true, range: () => range } : { time: true }, y: percent ? { range: [0, 100] } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{ values: timeLabels }, { size: 50 }],
    legend: { show: keys.length > 1 },
    series: [
      x,
      ...labels.map((label, i) => ({ label, ...line(i), width: 2, paths: bars, ...points })),
    ],
  };
}

/** A null where hours are missing (the gateway was off), so the line breaks instead of bridging them. */
function breakAtGaps(columns) {
  const out = columns.map(() => []);
  const times = columns[0];
  for (let i = 0; i < times.length; i++) {
    if (i > 0 && times[i] - times[i - 1] > HOUR) for (const [c, column] of out.entries()) column.push(c === 0 ? times[i] - HOUR : null);
    for (const [c, column] of out.entries()) column.push(columns[c][i]);
  }
  return out;
}

async function load(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

const firstLoads = new Map();
/** Charts drawn from one source (the live pair, the load history's four) share one request. */
function loadOnce(url) {
  if (!firstLoads.has(url)) firstLoads.set(url, load(url));
  return firstLoads.get(url);
}

async function draw(element) {
  const kind = element.dataset.chart;
  const series = element.dataset.series;
  const data = await loadOnce(element.dataset.src);
  // Copies: the data may be another chart's too, and a live chart's columns grow in place.
  const columns = kind === "hours" ? breakAtGaps([data.time, ...series.split(" ").map((key) => data[key])]) : [[...data.time], [...data[series]]];
  // A date range comes with every day in it, quiet ones as 0: nothing at all to show is "none".
  // Hours come only as recorded, and a quiet hour's 0 is a figure.
  const none = kind === "hours" ? data.time.length === 0 : kind !== "live" && !columns[1].some((value) => value > 0);
  if (none) {
    element.textContent = element.dataset.empty;
    return;
  }
  const chart = new uPlot(options(element, kind, data.range), columns, element);
  element.dataset.points = String(columns[0].length);
  describe(element, columns[1]);
  new ResizeObserver(() => chart.setSize(size(element))).observe(element);
  if (kind !== "live") return;
  const windowSeconds = 15 * 60;
  setInterval(async () => {
    const last = columns[0].at(-1);
    const fresh = await load(last ? `${element.dataset.src}?since=${last}` : element.dataset.src).catch(() => null);
    if (!fresh || fresh.time.length === 0) return;
    columns[0].push(...fresh.time);
    columns[1].push(...fresh[series]);
    const cutoff = columns[0].at(-1) - windowSeconds;
    while (columns[0].length > 0 && columns[0][0] < cutoff) {
      columns[0].shift();
      columns[1].shift();
    }
    chart.setData(columns);
    element.dataset.points = String(columns[0].length);
    describe(element, columns[1]);
    element.dataset.updated = String(Date.now());
  }, Number(element.dataset.refreshMs) || 5000);
}

for (const element of document.querySelectorAll("[data-chart]")) {
  draw(element).catch((error) => {
    element.textContent = element.dataset.empty;
    console.warn(error);
  });
}
