// The service map's canvas: cytoscape with the dagre layout, callers left of callees.
// Clicking a service calls onService, clicking a call onEdge. The container carries
// data-node-count / data-edge-count once cytoscape has laid the graph out (for tests,
// with cytoscape's own instance at container._cyreg.cy); screen readers get the
// summary in aria-label and the tables under the graph.
import cytoscape, { type Core } from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { useEffect, useRef, useState } from 'react';
import type { ServiceGraph as Graph } from '../api.ts';
import { graphElements, graphStyle, type GraphEdge } from './serviceGraphStyle.ts';
import type { ThemeColors } from './useThemeColors.ts';

cytoscape.use(dagre);

export interface ServiceGraphProps {
  graph: Graph;
  windowSeconds: number;
  colors: ThemeColors;
  onService: (service: string) => void;
  onEdge: (edge: GraphEdge) => void;
}

export function ServiceGraph({ graph, windowSeconds, colors, onService, onEdge }: ServiceGraphProps) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | undefined>(undefined);
  const handlers = useRef({ onService, onEdge, graph });
  handlers.current = { onService, onEdge, graph };
  const [drawn, setDrawn] = useState<{ nodes: number; edges: number } | undefined>();

  useEffect(() => {
    const instance = cytoscape({
      container: container.current,
      style: graphStyle(colors),
      minZoom: 0.25,
      maxZoom: 2.5,
      boxSelectionEnabled: false,
    });
    cy.current = instance;
    instance.on('tap', 'node[kind = "service"]', (event) => handlers.current.onService(event.target.id()));
    instance.on('tap', 'edge', (event) => {
      const edge = handlers.current.graph.edges.find((e) => e.caller === event.target.source().id() && e.callee === event.target.target().id());
      if (edge) handlers.current.onEdge(edge);
    });
    const pointer = (cursor: string) => () => {
      if (container.current) container.current.style.cursor = cursor;
    };
    instance.on('mouseover', 'node[kind = "service"], edge', pointer('pointer'));
    instance.on('mouseout', 'node, edge', pointer(''));
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(container.current!);
    return () => {
      resize.disconnect();
      instance.destroy();
      cy.current = undefined;
    };
    // created once; data and colours are applied by the effects below
  }, []);

  useEffect(() => {
    const instance = cy.current!;
    instance.elements().remove();
    instance.add(graphElements(graph, windowSeconds));
    const layout = instance.layout({ name: 'dagre', rankDir: 'LR', rankSep: 200, nodeSep: 70, edgeSep: 20, padding: 40, fit: true } as cytoscape.LayoutOptions);
    layout.one('layoutstop', () => {
      // a graph of two nodes would fill the screen: keep it at a readable size
      if (instance.zoom() > 1.3) {
        instance.zoom(1.3);
        instance.center();
      }
      setDrawn({ nodes: instance.nodes().length, edges: instance.edges().length });
    });
    layout.run();
  }, [graph, windowSeconds]);

  useEffect(() => {
    cy.current?.style(graphStyle(colors));
  }, [colors]);

  const services = graph.nodes.filter((n) => n.kind === 'service').length;
  return (
    <div
      ref={container}
      className="map-graph"
      role="img"
      aria-label={`Service map: ${services} services, ${graph.nodes.length - services} uninstrumented peers, ${graph.edges.length} calls (listed in the tables below)`}
      data-node-count={drawn?.nodes}
      data-edge-count={drawn?.edges}
      data-theme-drawn={colors.theme}
    />
  );
}
