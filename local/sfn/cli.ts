/**
 * Runs the local Step Functions engine alone:
 *   npx tsx local/sfn/cli.ts --port 8083 --data-dir .data/sfn [--host 127.0.0.1]
 *     [--functions <module exporting `functions: Record<name, (payload) => result>`>]
 *     [--clock-file <file>  (a movable clock whose offset persists in this file; local only)]
 * Prints `{"port":N}` on one line once it listens. SIGINT/SIGTERM close it cleanly.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Clock, MovableClock } from '../clock';
import { createInProcessInvoker, type InProcessFunction } from './invoker';
import { startSfnServer } from './server';
import type { LambdaInvoker } from './types';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.SFN_PORT ?? '8083' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': {
      type: 'string',
      default: process.env.MINSHENG_DATA_DIR ? `${process.env.MINSHENG_DATA_DIR}/sfn` : '.data/sfn',
    },
    functions: { type: 'string' },
    'clock-file': { type: 'string' },
    'poll-ms': { type: 'string' },
  },
});

let functions: Record<string, InProcessFunction> = {};
if (values.functions) {
  const mod = (await import(pathToFileURL(resolve(values.functions)).href)) as {
    functions?: Record<string, InProcessFunction>;
    default?: Record<string, InProcessFunction>;
  };
  functions = mod.functions ?? mod.default ?? {};
}
const invokeLambda: LambdaInvoker = createInProcessInvoker(functions);
const clock: Clock | undefined = values['clock-file']
  ? new MovableClock({ file: resolve(values['clock-file']) })
  : undefined;

const server = await startSfnServer({
  port: Number(values.port),
  host: values.host,
  dataDir: resolve(values['data-dir'] as string),
  invokeLambda,
  clock,
  pollIntervalMs: values['poll-ms'] ? Number(values['poll-ms']) : undefined,
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
