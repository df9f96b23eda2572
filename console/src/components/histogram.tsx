// Events per bucket as uPlot bars; dragging across the chart selects a range (the brush), which the
// page turns into its new window (zoom). The page also offers date-time inputs for the keyboard.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface HistogramProps {
  readonly buckets: readonly { readonly start: number; readonly count: number }[];
  readonly bucketMs: number;
  /** What the bars count: 'all types' or 'the filter above'. */
  readonly caption: string;
  readonly onBrush: (start: number, end: number) => void;
}

export function HistogramChart({ buckets, bucketMs, caption, onBrush }: HistogramProps) {
  const host = useRef<HTMLDivElement>(null);
  const brush = useRef(onBrush);
  brush.current = onBrush;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const data: uPlot.AlignedData = [buckets.map((b) => (b.start + bucketMs / 2) / 1000), buckets.map((b) => b.count)];
    const chart = new uPlot(
      {
        width: element.clientWidth || 600,
        height: 200,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' } },
          { stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' }, size: 60 },
        ],
        series: [
          {},
          {
            label: 'events',
            stroke: '#4cc9f0',
            fill: 'rgba(76,201,240,0.45)',
            paths: uPlot.paths.bars!({ size: [0.9, 80] }),
          },
        ],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 3) return;
              const from = u.posToVal(u.select.left, 'x') * 1000;
              const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              brush.current(Math.floor(from), Math.ceil(to));
            },
          ],
        },
      },
      data,
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 200 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [buckets, bucketMs]);

  return (
    <figure class="chart">
      <figcaption>Events over time ({caption}; drag to zoom into a range)</figcaption>
      <div ref={host} role="img" aria-label="Histogram of events over time" data-testid="histogram" />
    </figure>
  );
}
