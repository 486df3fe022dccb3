// Starts a throw-away clickhouse-server (Debian's 18.16 build) for tests: its own temp
// directory, generated config, free ports, listening on 127.0.0.1 only. The apt package
// does not start a server by itself, and a shared one would leak state between runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLICKHOUSE_SERVER_BINARY = '/usr/sbin/clickhouse-server';

export interface ClickHouseServer {
  /** HTTP URL of the `default` database, e.g. http://127.0.0.1:41234/default */
  url: string;
  stop(): Promise<void>;
}

export async function startClickHouseServer(): Promise<ClickHouseServer> {
  if (!existsSync(CLICKHOUSE_SERVER_BINARY)) {
    throw new Error(
      `${CLICKHOUSE_SERVER_BINARY} is missing: run \`apt-get install clickhouse-server\` (.ci/run does)`,
    );
  }
  // ClickHouse cannot be told to pick its own ports, so a port picked here can be taken
  // by someone else before the server binds it: then start again on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnFreePorts();
    } catch (error) {
      if (attempt === 3 || !/Address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startOnFreePorts(): Promise<ClickHouseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'skein-clickhouse-'));
  const httpPort = await freePort();
  const tcpPort = await freePort();
  writeFileSync(join(dir, 'config.xml'), serverConfig(dir, httpPort, tcpPort));
  writeFileSync(join(dir, 'users.xml'), USERS_CONFIG);

  const child = spawn(CLICKHOUSE_SERVER_BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    await killAndWait(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForPing(baseUrl, exited, dir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `${baseUrl}/default`, stop };
}

async function waitForPing(baseUrl: string, exited: Promise<number | null>, dir: string): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`clickhouse-server exited with code ${exitCode} during start:\n${logTail(dir)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/ping`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`clickhouse-server did not answer /ping within 30 s:\n${logTail(dir)}`);
}

async function killAndWait(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function logTail(dir: string): string {
  const log = join(dir, 'server.err.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '(no error log)';
}

/** A port the OS just handed out; free again by the time the server binds it, barring a race. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

// A non-UTC server time zone, so a test catches any date that the store lets the server
// derive from local time instead of UTC.
function serverConfig(dir: string, httpPort: number, tcpPort: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>${dir}/server.log</log>
    <errorlog>${dir}/server.err.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>Asia/Kolkata</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`;
}

const USERS_CONFIG = `<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>127.0.0.1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
`;
