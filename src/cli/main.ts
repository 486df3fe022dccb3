// The `skein` command.
import { ConfigError, loadConfig, usage } from './config.ts';
import { startSkein } from './serve.ts';

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
    console.log(usage());
    return;
  }
  if (command !== 'serve') {
    console.error(`skein: unknown command '${command}'\n\n${usage()}`);
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
