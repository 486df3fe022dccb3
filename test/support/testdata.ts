// The shared payloads from real clients (../shared/testdata, beside the checkout). A test
// that needs them and finds the folder missing fails, saying where the data should be:
// a test that silently skipped would pass with nothing checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const testdataDir = resolve(process.cwd(), '../shared/testdata');

function requireTestdata(): void {
  if (!existsSync(testdataDir)) {
    throw new Error(`shared test data not found at ${testdataDir}: these tests read payloads captured from real clients from ../shared/testdata beside the checkout`);
  }
}

export function testdataFile(...parts: string[]): Buffer {
  requireTestdata();
  return readFileSync(join(testdataDir, ...parts));
}

export function testdataFiles(folder: string, pattern: RegExp): string[] {
  requireTestdata();
  return readdirSync(join(testdataDir, folder)).filter((f) => pattern.test(f)).sort();
}
