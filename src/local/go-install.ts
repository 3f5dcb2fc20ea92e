// Builds Go programs from the Go module proxy into a per-user cache outside the
// repository, once: the Temporal CLI (its dev server) and the Temporal server
// with its SQL schema tool. No npm or Debian package ships them here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileAsync } from './processes';

export function cacheDir(name: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'wa-booking-agent', name);
}

export function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = dir && path.join(dir, binary);
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function findGo(what: string): string {
  const go = onPath('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) throw new Error(`Go is not installed, and it is needed for ${what}. Install it (https://go.dev/dl), or see the README for using a binary you have.`);
  return go;
}

export interface GoBuild {
  /** What is built, for messages ("the Temporal CLI v1.5.1"). */
  what: string;
  /** Cache directory the finished build is renamed to. */
  into: string;
  /** Package paths with versions, `go install`ed into the build directory. */
  packages: string[];
  /** After the install, with the staging directory: copy in anything else the build needs (schema files). */
  finish?: (staging: string, go: string) => Promise<void>;
}

/**
 * Runs `go install` into a private staging directory and renames it into place,
 * so two first runs at once never see half a build and a failed one leaves nothing.
 */
export async function goInstallOnce(build: GoBuild, log: (line: string) => void): Promise<void> {
  if (fs.existsSync(build.into)) return;
  const go = findGo(`building ${build.what}`);
  log(`Building ${build.what} once with Go into ${build.into} (a few minutes)…`);
  const parent = path.dirname(build.into);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.build-${path.basename(build.into)}-`));
  try {
    for (const pkg of build.packages) {
      await execFileAsync(go, ['install', pkg], { env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' }, maxBuffer: 64 * 1024 * 1024 });
    }
    await build.finish?.(staging, go);
    try {
      fs.renameSync(staging, build.into);
    } catch (err) {
      // Another process finished the same build first: theirs is as good.
      if (!fs.existsSync(build.into)) throw err;
    }
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`Building ${build.what} failed: ${(err as Error).message}\n${stderr.slice(-2000)}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`${build.what} built.`);
}
