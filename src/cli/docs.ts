// npm run docs: renders the README's generated sections (retry table, workflow outcomes) from the code.
import fs from 'node:fs';
import path from 'node:path';
import { renderReadme } from '../docs/readme-sections';

const file = path.join(__dirname, '../../README.md');
const before = fs.readFileSync(file, 'utf8');
const after = renderReadme(before);
if (after === before) console.log('README.md is up to date.');
else {
  fs.writeFileSync(file, after);
  console.log('README.md updated.');
}
