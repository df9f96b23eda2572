// A uPlot time-series chart: x = seconds since the epoch, one line per series. Re-created when the
// series change (a consumer group appears), otherwise fed with setData.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  readonly title: string;
  readonly series: readonly { readonly label: string; readonly color: string; readonly dash?: number[] }[];
  /** [x values, ...one array per series]; null = no value. */
  readonly data: readonly (readonly (number | null)[])[];
  readonly unit?: string;
  readonly height?: number;
}

export function Chart({ title, series, data, unit = '', height = 180 }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = series.map((s) => s.label).join('|');

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const chart = new uPlot(
      {
        width: element.clientWidth || 400,
        height,
        legend: { live: false },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#9aa4b2', grid: { stroke: '#2a3140' }, ticks: { stroke: '#2a3140' } },
          {
            stroke: '#9aa4b2',
            grid: { stroke: '#2a3140' },
            ticks: { stroke: '#2a3140' },
            size: 60,
            values: (_u, values) => values.map((v) => `${v}${unit}`),
          },
        ],
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, ...(s.dash ? { dash: s.dash } : {}) })),
        ],
      },
      data as uPlot.AlignedData,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Data changes go through setData below; only a new set of series rebuilds the chart.
  }, [key, height, unit]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
