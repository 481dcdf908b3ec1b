// Apache ECharts as a Svelte action: only the chart types the dashboard draws are bundled, on
// the canvas renderer. A click on a bar, a point or a slice reports its data index and name.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export interface ChartParams {
  option: echarts.EChartsCoreOption;
  onclick?: (p: { dataIndex: number; name: string }) => void;
}

export function chart(node: HTMLElement, params: ChartParams) {
  const instance = echarts.init(node, undefined, { renderer: "canvas" });
  let current = params;
  instance.setOption(current.option);
  instance.on("click", (p) => current.onclick?.({ dataIndex: p.dataIndex ?? 0, name: String(p.name ?? "") }));
  const resize = new ResizeObserver(() => instance.resize());
  resize.observe(node);
  return {
    update(next: ChartParams) {
      current = next;
      instance.setOption(next.option, { notMerge: true });
    },
    destroy() {
      resize.disconnect();
      instance.dispose();
    },
  };
}
