// Builds the console's pages (admin/, a Vite app) for `npm run dev` and the
// tests: once, then on every change with a watch build, so the API serves the
// newest pages from dist/console without a second server or port.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startProcess, type ManagedProcess } from './processes';

const projectRoot = path.resolve(__dirname, '..', '..');
const VITE_CONFIG = path.join(projectRoot, 'admin', 'vite.config.mts');
// Vite's package exports no bin path; its bin script sits at a fixed place in the package.
const VITE_BIN = path.join(path.dirname(require.resolve('vite/package.json', { paths: [projectRoot] })), 'bin', 'vite.js');

/** Builds dist/console once; rejects with Vite's output if the build fails. */
export function buildConsole(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE_BIN, 'build', '--config', VITE_CONFIG], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`The console did not build (exit ${code}):\n${output.trim()}`))));
  });
}

/** Rebuilds dist/console whenever a file under admin/ changes; reload the page to see it. */
export function watchConsole(echo: (line: string) => void): ManagedProcess {
  return startProcess('console', process.execPath, [VITE_BIN, 'build', '--watch', '--config', VITE_CONFIG], { cwd: projectRoot, echo });
}
