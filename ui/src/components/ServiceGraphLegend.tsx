// The service map's key: what each node shape and edge look means (drawn as small SVGs
// in the same colours as the canvas).
import type { ThemeColors } from './useThemeColors.ts';

export function ServiceGraphLegend({ colors }: { colors: ThemeColors }) {
  const stroke = colors.fgMuted;
  return (
    <ul className="map-legend" aria-label="Legend">
      <li>
        <svg width="18" height="18" aria-hidden="true">
          <circle cx="9" cy="9" r="7" fill={colors.accent} />
        </svg>
        service (sends spans; a colour per service)
      </li>
      <li>
        <svg width="18" height="18" aria-hidden="true">
          <path d="M3 4 Q9 1 15 4 L15 14 Q9 17 3 14 Z" fill={colors.bgAlt} stroke={stroke} strokeWidth="1.5" />
        </svg>
        database (uninstrumented, seen in its callers' spans)
      </li>
      <li>
        <svg width="18" height="18" aria-hidden="true">
          <path d="M9 1 L17 9 L9 17 L1 9 Z" fill={colors.bgAlt} stroke={stroke} strokeWidth="1.5" strokeDasharray="3 2" />
        </svg>
        external peer (uninstrumented host or service)
      </li>
      <li>
        <svg width="26" height="18" aria-hidden="true">
          <line x1="1" y1="9" x2="25" y2="9" stroke={stroke} strokeWidth="3" />
        </svg>
        call: width by rate, labelled rate · p95 · errors
      </li>
      <li>
        <svg width="26" height="18" aria-hidden="true">
          <line x1="1" y1="9" x2="25" y2="9" stroke={colors.error} strokeWidth="3" />
        </svg>
        calls with errors
      </li>
    </ul>
  );
}
