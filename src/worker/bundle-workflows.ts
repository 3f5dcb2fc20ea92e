// Bundles the workflow code once, at build time (`npm run build`), into
// dist/workflow-bundle.js. A worker started from dist/ then loads it instead of
// running webpack at every start, which is slower and raises its peak memory.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

export const WORKFLOW_BUNDLE_FILE = path.resolve(__dirname, '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH });
  fs.writeFileSync(WORKFLOW_BUNDLE_FILE, code);
  console.log(`Workflow bundle written to ${path.relative(process.cwd(), WORKFLOW_BUNDLE_FILE)} (${Math.round(code.length / 1024)} KB)`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
