// What part of the trace the timeline shows (its rows scrolled into view and the time
// window), shared by the timeline and the minimap without re-rendering the page: both
// subscribe and redraw their canvases when it changes.
export class Viewport {
  firstRow = 0;
  visibleRows = 0;
  rowCount = 0;
  t0 = 0;
  t1: number;
  /** Set by the timeline: scrolls so that `row` is the first row shown. */
  scrollHandler: (row: number) => void = () => {};
  private readonly listeners = new Set<() => void>();

  constructor(readonly durationNs: number) {
    this.t1 = Math.max(durationNs, 1);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  get zoomed(): boolean {
    return this.t0 > 0 || this.t1 < Math.max(this.durationNs, 1);
  }

  /** The time window, kept inside the trace and at least 1/10 000 of it wide. */
  setWindow(t0: number, t1: number): void {
    const total = Math.max(this.durationNs, 1);
    const width = Math.min(total, Math.max(t1 - t0, total / 10_000));
    const start = Math.min(Math.max(t0, 0), total - width);
    this.t0 = start;
    this.t1 = start + width;
    this.notify();
  }

  resetWindow(): void {
    this.setWindow(0, this.durationNs);
  }

  setRows(firstRow: number, visibleRows: number, rowCount: number): void {
    if (firstRow === this.firstRow && visibleRows === this.visibleRows && rowCount === this.rowCount) return;
    this.firstRow = firstRow;
    this.visibleRows = visibleRows;
    this.rowCount = rowCount;
    this.notify();
  }

  scrollToRow(row: number): void {
    this.scrollHandler(Math.max(0, Math.min(row, this.rowCount - this.visibleRows)));
  }

  /** Scrolls a row to the middle of the view unless it is shown already. */
  revealRow(row: number): void {
    if (row >= this.firstRow && row < this.firstRow + this.visibleRows - 1) return;
    this.scrollToRow(row - Math.floor(this.visibleRows / 2));
  }

  private notify(): void {
    this.listeners.forEach((listener) => listener());
  }
}
