// The resource every span carries: who sent it (service, version, environment), from where
// (host, OS, process) and with what (the SDK and this distro).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse, resolve } from 'node:path';
import { nonEmpty } from './env.js';

const require = createRequire(import.meta.url);

export const DISTRO_NAME = '@skein/node';
export const DISTRO_VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The nearest package.json with a name, walking up from the app's entry script (or the
 * working directory when there is no script, or when the script lives in node_modules, as
 * with `node node_modules/.bin/tool`). Returns {} when there is none.
 * @returns {{ name?: string, version?: string }}
 */
export function findAppPackage(entry = process.argv[1], cwd = process.cwd()) {
  let dir = entry && !/[\\/]node_modules[\\/]/.test(entry) ? dirname(resolve(entry)) : cwd;
  const root = parse(dir).root;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg && typeof pkg.name === 'string' && pkg.name !== '') {
        return { name: pkg.name, version: typeof pkg.version === 'string' ? pkg.version : undefined };
      }
    } catch {
      // no package.json here (or not JSON): keep walking up
    }
    if (dir === root) return {};
    dir = dirname(dir);
  }
}

/**
 * Precedence, highest first:
 * ("option" includes the same key in the `resourceAttributes` option)
 *   service.name:        option, SKEIN_SERVICE_NAME, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, app package.json name
 *   service.version:     option, SKEIN_SERVICE_VERSION, OTEL_RESOURCE_ATTRIBUTES, app package.json version
 *   deployment.environment(.name): option, SKEIN_ENVIRONMENT, OTEL_RESOURCE_ATTRIBUTES, NODE_ENV
 * plus the host, os and process detectors, OTEL_RESOURCE_ATTRIBUTES' other keys, the
 * `resourceAttributes` option and telemetry.distro.name/version.
 */
export function buildResource(options, env) {
  const { defaultResource, detectResources, envDetector, hostDetector, osDetector, processDetector, resourceFromAttributes } =
    require('@opentelemetry/resources');

  // envDetector reads OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME synchronously.
  const fromEnv = detectResources({ detectors: [envDetector] }).attributes;
  const app = findAppPackage();

  const given = options.resourceAttributes ?? {};
  const serviceName =
    nonEmpty(options.serviceName) ?? str(given['service.name']) ?? nonEmpty(env.SKEIN_SERVICE_NAME) ?? str(fromEnv['service.name']) ?? app.name;
  const serviceVersion =
    nonEmpty(options.serviceVersion) ?? str(given['service.version']) ?? nonEmpty(env.SKEIN_SERVICE_VERSION) ?? str(fromEnv['service.version']) ?? app.version;
  const environment =
    nonEmpty(options.environment) ??
    str(given['deployment.environment.name']) ??
    str(given['deployment.environment']) ??
    nonEmpty(env.SKEIN_ENVIRONMENT) ??
    str(fromEnv['deployment.environment.name']) ??
    str(fromEnv['deployment.environment']) ??
    nonEmpty(env.NODE_ENV);

  const chosen = { ...given };
  if (serviceName !== undefined) chosen['service.name'] = serviceName;
  if (serviceVersion !== undefined) chosen['service.version'] = serviceVersion;
  if (environment !== undefined) {
    // deployment.environment.name is the current semantic convention; deployment.environment
    // is what older tools (and many dashboards) still query.
    chosen['deployment.environment.name'] = environment;
    chosen['deployment.environment'] = environment;
  }
  chosen['telemetry.distro.name'] = DISTRO_NAME;
  chosen['telemetry.distro.version'] = DISTRO_VERSION;

  return defaultResource()
    .merge(detectResources({ detectors: [hostDetector, osDetector, processDetector, envDetector] }))
    .merge(resourceFromAttributes(chosen));
}

function str(value) {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
