// Bundles the workflow code once, at build time (`npm run build`), into
// dist/workflow-bundle.js. A worker started from dist/ then loads it instead of
// running webpack at every start, which is slower and raises its peak memory.
//
// A second bundle, dist/workflow-bundle-traced.js, also holds the OpenTelemetry
// workflow interceptors, for workers with OTEL_EXPORTER_OTLP_ENDPOINT set. Not
// one bundle for both: the interceptors bring their own OpenTelemetry SDK into
// the sandbox, evaluated again for every workflow run the worker creates (or
// replays after an eviction), and replaying a message workflow and a conversation
// run cost about half as much CPU again with them (18-20 ms a run without, 28-29
// ms with). Switching between the two is safe for running workflows: the
// interceptors add no commands to the history, only headers.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { OTEL_WORKFLOW_INTERCEPTOR_MODULES } from '../observability/opentelemetry';
import { FAILURE_CONVERTER_PATH } from '../temporal/data-converter';

const DIST = path.resolve(__dirname, '..');

function bundleFile(traced: boolean, dir: string): string {
  return path.join(dir, traced ? 'workflow-bundle-traced.js' : 'workflow-bundle.js');
}

/** The prebuilt bundle for a worker that traces or not; undefined when `npm run build` has not made it (tsx in development). */
export function prebuiltWorkflowBundle(traced: boolean, dir = DIST): { codePath: string } | undefined {
  const codePath = bundleFile(traced, dir);
  return fs.existsSync(codePath) ? { codePath } : undefined;
}

export async function writeWorkflowBundles(dir = DIST): Promise<void> {
  for (const traced of [false, true]) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      workflowInterceptorModules: traced ? [...OTEL_WORKFLOW_INTERCEPTOR_MODULES] : [],
    });
    fs.writeFileSync(bundleFile(traced, dir), code);
    console.log(`Workflow bundle written to ${path.relative(process.cwd(), bundleFile(traced, dir))} (${Math.round(code.length / 1024)} KB)`);
  }
}

if (require.main === module) {
  writeWorkflowBundles().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
