// Text search attributes on Temporal's PostgreSQL visibility, which indexes them
// with a raw ::tsvector cast (temporalio/temporal#11085): every value the
// conversation sets must parse as tsvector, or the workflow's visibility write
// fails and the Web UI's list goes stale. Checked on real PostgreSQL.
import { queryRows } from '../../src/db/sql';
import { textAttributeValue } from '../../src/workflows/search-attributes';
import { turnSummary } from '../../src/workflows/summaries';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const asTsvector = (value: string) => queryRows(database.db, 'SELECT $1::tsvector AS indexed', [value]);

const SUMMARIES = [
  'Booked Haircut Wed 9 Dec 11:00',
  turnSummary({ outcome: 'replied', toolCalls: [], appointments: [], unreadableOnly: true }),
  "Booked Men's cut Thu 10 Dec 09:30; Cancelled Kids' cut Fri 11 Dec 17:00",
  "A back\\slash, a lone quote ' and a colon: at the end:",
  'x'.repeat(5000),
];

test.each(SUMMARIES)('summary %#: PostgreSQL indexes it as the conversation sets it', async (summary) => {
  await expect(asTsvector(textAttributeValue(summary))).resolves.toHaveLength(1);
});

test('the same words as they are would fail the visibility write', async () => {
  await expect(asTsvector('Booked Haircut Wed 9 Dec 11:00')).rejects.toThrow('in tsvector');
  await expect(asTsvector("Booked 'Deluxe cut")).rejects.toThrow('in tsvector');
});
