import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { SearchResult } from "../api.js";

// Bars stand mid-month, so each covers its month on the time axis.
const midMonth = (month: string) => Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 15) / 1000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** Month ticks (days when zoomed into a few months), with the year on the first tick and on every January. */
const tickLabels = (_u: uPlot, splits: number[]) => {
  const daily = splits.length > 1 && splits[1]! - splits[0]! < 25 * 86400;
  return splits.map((v, i) => {
    const d = new Date(v * 1000);
    const label = daily ? `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` : MONTHS[d.getUTCMonth()]!;
    return i === 0 || (!daily && d.getUTCMonth() === 0) ? `${label} ${d.getUTCFullYear()}` : label;
  });
};
const isoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * Matches per month (uPlot bars). Drag across it to set the date range; the range also has
 * labelled date fields, for the keyboard.
 */
export function DateHistogram({ histogram, since, until, onRange }: {
  histogram: SearchResult["histogram"]; since: string; until: string; onRange(since: string, until: string): void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const rangeRef = useRef(onRange);
  rangeRef.current = onRange;
  useEffect(() => {
    const el = box.current;
    if (!el || histogram.length === 0) return;
    const xs = histogram.map((h) => midMonth(h.month));
    const ys = histogram.map((h) => h.count);
    const last = xs.at(-1)!;
    // Room either side for a whole bar, however long the range.
    const pad = Math.max(31 * 86400, (last - xs[0]!) * 0.03);
    const plot = new uPlot({
      width: Math.max(240, el.clientWidth), height: 120,
      scales: { x: { time: true, range: [xs[0]! - pad, last + pad] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ stroke: "#5b6472", grid: { show: false }, size: 28, values: tickLabels }, { stroke: "#5b6472", size: 36, grid: { stroke: "#eef0f3" } }],
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      series: [{}, { label: "articles", fill: "rgba(38,99,176,0.55)", stroke: "#2663b0", paths: uPlot.paths.bars!({ size: [0.8, 18] }), points: { show: false } }],
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 3) return;
          const from = u.posToVal(u.select.left, "x");
          const to = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
          rangeRef.current(isoDay(from), isoDay(to));
        }],
      },
    }, [xs, ys], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: 120 }));
    resize.observe(el);
    return () => { resize.disconnect(); plot.destroy(); };
  }, [JSON.stringify(histogram)]);

  return (
    <section class="histogram" aria-label="Articles per month">
      <div class="histogram-head">
        <h3>Published</h3>
        <label>from <input type="date" name="since" value={since.slice(0, 10)} onChange={(e) => onRange((e.target as HTMLInputElement).value, until)} /></label>
        <label>to <input type="date" name="until" value={until.slice(0, 10)} onChange={(e) => onRange(since, (e.target as HTMLInputElement).value)} /></label>
        {(since || until) && <button type="button" class="link" onClick={() => onRange("", "")}>any date</button>}
      </div>
      {histogram.length > 0 ? <div ref={box} class="histogram-plot" data-testid="histogram" title="Drag across the bars to set the date range" /> : <p class="muted">no dated matches</p>}
    </section>
  );
}
