// The console's uPlot charts. Each element with data-chart gets one: "live" charts poll their
// data-src for new samples (no page reload), "bars" and "line" charts draw a date range once.
// The data comes as columns: { time: [seconds…], <series>: [values…] }.
const palette = { line: "#1d4ed8", fill: "rgba(29, 78, 216, 0.12)" };

// Time labels in the page's language and a 24-hour clock ("12월 5일", "20:38"), not uPlot's
// American default ("12/5/26 8:38pm").
const locale = document.documentElement.lang || "en";
const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const clockSeconds = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" });
/** Ticks a day or more apart show the date, a minute or more the time, closer ones the seconds too. */
const timeLabels = (_u, splits, _axis, _space, increment) =>
  splits.map((s) => (increment >= 86_400 ? day : increment >= 60 ? clock : clockSeconds).format(new Date(s * 1000)));

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
  const series = element.dataset.series;
  const bars = kind === "bars" ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined;
  return {
    ...size(element),
    scales: { x: range ? { time: true, range: () => range } : { time: true }, y: kind === "live" ? { range: [0, 100] } : { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{ values: timeLabels }, { size: 50 }],
    legend: { show: false },
    series: [{}, { label: series, stroke: palette.line, fill: palette.fill, width: 2, paths: bars, points: { show: kind === "line" } }],
  };
}

async function load(url) {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function draw(element) {
  const kind = element.dataset.chart;
  const series = element.dataset.series;
  const data = await load(element.dataset.src);
  const columns = [data.time, data[series]];
  // A date range comes with every day in it, quiet ones as 0: nothing at all to show is "none".
  if (kind !== "live" && !columns[1].some((value) => value > 0)) {
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
