// The shell: a header with the pages and the theme switch, and the page the URL names.
import { ComparePage } from './pages/ComparePage.tsx';
import { HealthPage } from './pages/HealthPage.tsx';
import { RootCausePage } from './pages/RootCausePage.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import { ServiceMapPage } from './pages/ServiceMapPage.tsx';
import { TracePage } from './pages/TracePage.tsx';
import { Link, useLocation } from './router.tsx';
import { useTheme } from './theme.ts';

const PAGES = [
  { path: '/search', label: 'Search' },
  { path: '/compare', label: 'Compare' },
  { path: '/map', label: 'Service map' },
  { path: '/health', label: 'Service health' },
  { path: '/rca', label: 'Root cause' },
];

export function App() {
  const location = useLocation();
  const [theme, toggleTheme] = useTheme();
  const trace = /^\/trace\/([^/]+)$/.exec(location.path);
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/search" className="brand">
          Skein
        </Link>
        <nav>
          {PAGES.map((page) => (
            <Link key={page.path} to={page.path} className={location.path.startsWith(page.path) ? 'active' : undefined}>
              {page.label}
            </Link>
          ))}
        </nav>
        <button type="button" className="theme-toggle" onClick={toggleTheme} title="Switch between dark and light">
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </header>
      <main>
        {trace ? (
          <TracePage traceId={decodeURIComponent(trace[1])} query={location.query} />
        ) : location.path.startsWith('/compare') ? (
          <ComparePage query={location.query} />
        ) : location.path.startsWith('/map') ? (
          <ServiceMapPage query={location.query} />
        ) : location.path.startsWith('/health') ? (
          <HealthPage query={location.query} />
        ) : location.path.startsWith('/rca') ? (
          <RootCausePage query={location.query} />
        ) : (
          <SearchPage query={location.query} />
        )}
      </main>
    </div>
  );
}
