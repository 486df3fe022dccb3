// A service's name with its colour (serviceColor), the same on every page.
import { serviceColor } from '../../theme.ts';

export function ServiceName({ service, children }: { service: string; children?: string }) {
  return (
    <span className="service-name">
      <span className="service-swatch" style={{ background: serviceColor(service) }} aria-hidden="true" />
      {children ?? service}
    </span>
  );
}
