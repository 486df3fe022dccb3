// A span of this trace, named by its service and name, as a button that selects it.
import type { TraceModel } from './model.ts';

export function SpanButton({ model, span, onSelect }: { model: TraceModel; span: number; onSelect: (span: number) => void }) {
  return (
    <button type="button" className="link-button" onClick={() => onSelect(span)}>
      {model.service[span]}: {model.name[span]}
    </button>
  );
}
