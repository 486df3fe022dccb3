// The shared payloads from real clients (../shared/testdata). Tests that need them skip,
// saying why, when the folder is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const testdataDir = resolve(process.cwd(), '../shared/testdata');
export const hasTestdata = existsSync(testdataDir);
export const skipWithoutTestdata = hasTestdata ? false : `shared test data not found at ${testdataDir}`;

export function testdataFile(...parts: string[]): Buffer {
  return readFileSync(join(testdataDir, ...parts));
}

export function testdataFiles(folder: string, pattern: RegExp): string[] {
  if (!hasTestdata) return [];
  return readdirSync(join(testdataDir, folder)).filter((f) => pattern.test(f)).sort();
}
