// The health page's service choice: the services Skein knows, or the overview of all.
import { useEffect, useState } from 'react';
import { api } from '../api.ts';

export function ServicePicker({ service, onPick }: { service: string; onPick: (service: string) => void }) {
  const [services, setServices] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    api.services().then(
      (list) => current && setServices(list),
      () => undefined, // the overview or the charts report the API's error
    );
    return () => void (current = false);
  }, []);
  const options = service && !services.includes(service) ? [service, ...services] : services;
  return (
    <label className="health-service-picker">
      Service{' '}
      <select value={service} onChange={(e) => onPick(e.target.value)}>
        <option value="">All services (overview)</option>
        {options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
