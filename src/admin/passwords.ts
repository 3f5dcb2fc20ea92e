// Passwords of console users: argon2id through @node-rs/argon2 (a prebuilt
// binary in its npm package), with the library's defaults (19 MiB, 2 passes),
// which follow OWASP's minimum for argon2id.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-rule';

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a refusal, never a crash of the sign-in route.
    return false;
  }
}

/** A hash of nothing anyone knows: checking it when the email is unknown makes both answers take as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hash(randomBytes(24).toString('base64url'));
  return decoy;
}

/** A password to hand to someone once: 20 characters from 15 random bytes. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
