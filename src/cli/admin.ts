// npm run admin -- create-user --email ana@example.com --role platform-admin [--password-file F]
// npm run admin -- create-user --email bo@example.com --role owner|staff --business <phone_number_id> [--password-file F]
//
// Creates a console user. No account exists by default in production: this is how the
// first one is made. The password is read from the file, asked for on a terminal, or
// generated and printed once.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { generatePassword, hashPassword, passwordProblem } from '../admin/passwords';
import { loadConfig, loadDotEnv, requireDatabaseUrl } from '../config';
import { createAdminUser, normaliseEmail } from '../db/admin-users';
import { createDatabase, type Database } from '../db/client';

const USAGE = `Usage:
  npm run admin -- create-user --email <email> --role platform-admin [--name <name>] [--password-file <file>]
  npm run admin -- create-user --email <email> --role owner|staff --business <phone_number_id> [--name <name>] [--password-file <file>]`;

const ROLES = { 'platform-admin': undefined, owner: 'OWNER', staff: 'STAFF' } as const;

class UsageError extends Error {}

async function choosePassword(passwordFile: string | undefined): Promise<{ password: string; generated: boolean }> {
  if (passwordFile) return { password: fs.readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, ''), generated: false };
  if (process.stdin.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = await prompt.question('Password (leave empty to generate one): ');
      if (answer) return { password: answer, generated: false };
    } finally {
      prompt.close();
    }
  }
  return { password: generatePassword(), generated: true };
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        email: { type: 'string' },
        role: { type: 'string' },
        business: { type: 'string' },
        name: { type: 'string' },
        'password-file': { type: 'string' },
      },
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function createUser(db: Database, args: string[], out: (line: string) => void): Promise<void> {
  const { values } = parseOptions(args);
  const email = values.email && normaliseEmail(values.email);
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError('--email must be an email address');
  if (!values.role || !Object.hasOwn(ROLES, values.role)) throw new UsageError('--role must be platform-admin, owner or staff');
  const role = ROLES[values.role as keyof typeof ROLES];
  let businessId: string | undefined;
  if (role) {
    if (!values.business) throw new UsageError(`--role ${values.role} needs --business <phone_number_id>`);
    const business = await db.business.findUnique({ where: { phoneNumberId: values.business }, select: { id: true } });
    if (!business) throw new UsageError(`No business has phone_number_id ${values.business}`);
    businessId = business.id;
  }
  if (await db.adminUser.findUnique({ where: { email }, select: { id: true } })) throw new UsageError(`A user with the email ${email} already exists`);

  const { password, generated } = await choosePassword(values['password-file']);
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  await createAdminUser(db, {
    email,
    name: values.name,
    passwordHash: await hashPassword(password),
    platformAdmin: role === undefined,
    membership: role && businessId ? { businessId, role } : undefined,
  });
  out(`Created ${values.role} ${email}${values.business ? ` for business ${values.business}` : ''}.`);
  // Shown once, here only; it is stored as an argon2id hash.
  if (generated) out(`Password (shown once): ${password}`);
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== 'create-user') throw new UsageError(command ? `Unknown command "${command}"` : 'No command given');
  loadDotEnv();
  const db = createDatabase(requireDatabaseUrl(loadConfig()));
  try {
    await createUser(db, args, (line) => console.log(line));
  } finally {
    await db.$disconnect();
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err instanceof UsageError ? `${err.message}\n\n${USAGE}` : err.message);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
}
