// `npm run build` writes two workflow bundles; a worker that traces loads the one
// with the OpenTelemetry workflow interceptors, and only that one carries them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuiltWorkflowBundle, writeWorkflowBundles } from '../../src/worker/bundle-workflows';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-bundles-'));
  jest.spyOn(console, 'log').mockImplementation(() => {});
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('without a build there is no prebuilt bundle (the worker bundles at start)', () => {
  expect(prebuiltWorkflowBundle(false, dir)).toBeUndefined();
  expect(prebuiltWorkflowBundle(true, dir)).toBeUndefined();
});

test('the traced bundle holds the OpenTelemetry workflow interceptors, the other does not', async () => {
  // The bundler reports webpack's progress on stderr, as it should at build time.
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await writeWorkflowBundles(dir).finally(() => stderr.mockRestore());
  const plain = prebuiltWorkflowBundle(false, dir)!;
  const traced = prebuiltWorkflowBundle(true, dir)!;
  expect(plain.codePath).not.toBe(traced.codePath);
  const interceptor = 'OpenTelemetryInboundInterceptor';
  expect(fs.readFileSync(traced.codePath, 'utf8')).toContain(interceptor);
  expect(fs.readFileSync(plain.codePath, 'utf8')).not.toContain(interceptor);
  // Both are whole bundles of the same workflows.
  for (const { codePath } of [plain, traced]) expect(fs.readFileSync(codePath, 'utf8')).toContain('handleInboundMessage');
}, 120_000);
