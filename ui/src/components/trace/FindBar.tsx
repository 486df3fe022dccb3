// Find in trace: a text box, the match count and next/previous (Enter, Shift+Enter).
export interface FindBarProps {
  text: string;
  matches: number;
  /** 0-based; -1 before the first next/previous */
  current: number;
  onText: (text: string) => void;
  onStep: (delta: 1 | -1) => void;
}

export function FindBar({ text, matches, current, onText, onStep }: FindBarProps) {
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
      <span className="find-count muted" aria-live="polite" data-matches={matches}>
        {text.trim() === '' ? '' : matches === 0 ? 'no match' : `${current >= 0 ? current + 1 : '–'} of ${matches}`}
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
