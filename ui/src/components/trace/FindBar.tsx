// Find in trace: a text box, the match count (or that the server is still looking, or
// failed) and next/previous (Enter, Shift+Enter). `data-matches` is only there once the
// count is for the text shown.
export interface FindBarProps {
  text: string;
  matches: number;
  /** 0-based; -1 before the first next/previous */
  current: number;
  /** the server has not answered for this text yet */
  searching: boolean;
  error: string | undefined;
  onText: (text: string) => void;
  onStep: (delta: 1 | -1) => void;
}

function countText({ text, matches, current, searching, error }: FindBarProps): string {
  if (text.trim() === '') return '';
  if (searching) return 'searching…';
  if (error) return `find failed: ${error}`;
  return matches === 0 ? 'no match' : `${current >= 0 ? current + 1 : '–'} of ${matches}`;
}

export function FindBar(props: FindBarProps) {
  const { text, matches, searching, error, onText, onStep } = props;
  return (
    <div className="find-bar" role="search">
      <input
        type="search"
        placeholder="Find in trace…"
        title="Matches service, name, span id, attributes, resource, events and status message"
        aria-label="Find in trace"
        value={text}
        onChange={(event) => onText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onStep(event.shiftKey ? -1 : 1);
          if (event.key === 'Escape') onText('');
        }}
      />
      <span className={error ? 'find-count error-text' : 'find-count muted'} aria-live="polite" aria-busy={searching} data-matches={searching ? undefined : matches}>
        {countText(props)}
      </span>
      <button type="button" onClick={() => onStep(-1)} disabled={matches === 0} aria-label="Previous match" title="Previous match (Shift+Enter)">
        ↑
      </button>
      <button type="button" onClick={() => onStep(1)} disabled={matches === 0} aria-label="Next match" title="Next match (Enter)">
        ↓
      </button>
    </div>
  );
}
