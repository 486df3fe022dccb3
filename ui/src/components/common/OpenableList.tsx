// A <details> whose contents are made only once it is opened: the trace view's lists of
// critical-path spans and error origins can hold thousands of entries on a big trace, and
// rendering them closed cost the page a few hundred ms the moment the analysis arrived.
import { useState, type ReactNode } from 'react';

export function OpenableList({ summary, children }: { summary: ReactNode; children: () => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="popover-list" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary}</summary>
      {open && children()}
    </details>
  );
}
