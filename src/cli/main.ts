// The `skein` command.
import { ConfigError, loadConfig, usage } from './config.ts';
import { startSkein } from './serve.ts';

const COMMANDS = [
  'Commands:',
  '  serve   run Skein (this help)',
  '  demo    run Skein with the demo shop sending to it (skein demo --help)',
  '',
].join('\n');

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'demo') {
    // Loaded only for this command: `skein serve` does not need the demo.
    const { runDemo } = await import('./demo.ts');
    process.exitCode = await runDemo(rest);
    // The services, Skein and their sockets are closed; a stray timer must not hold the exit.
    process.exit();
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    console.log(`${usage()}\n\n${COMMANDS}`);
    return;
  }
  if (command !== 'serve') {
    console.error(`skein: unknown command '${command}'\n\n${usage()}\n\n${COMMANDS}`);
    process.exitCode = 2;
    return;
  }
  let config;
  try {
    config = loadConfig(rest);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`skein: ${err.message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const skein = await startSkein(config);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    skein.stop().then(
      () => process.exit(0),
      (err) => {
        console.error('skein: shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main(process.argv.slice(2));
