/**
 * `npm start`: runs the local twin until Ctrl-C / SIGTERM, then stops every part (DynamoDB Local's
 * java included) and exits 0. A second signal while stopping forces the exit, unless it comes within
 * 1.5 s of the first: wrappers relay the signal a terminal already sent to the whole group (tsx does),
 * and that duplicate must not turn a clean stop into a forced one.
 * Configuration: PORT, DYNAMODB_PORT, SFN_PORT, MINSHENG_DATA_DIR, MINSHENG_DEMO_PASSWORD.
 */
import { REPO_ROOT, readConfig } from './config';
import { startTwin, type Twin } from './twin';
import { ensureWebBuilt } from './web-build';

// Lambda runs in UTC; the functions' worker threads share this process's time zone.
process.env.TZ = 'UTC';
// The twin is a developer tool on whatever Node the machine has (20 here); the functions themselves
// are deployed on nodejs24.x. The SDK's notice about its future Node floor is not the user's concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const t0 = performance.now();
let twin: Twin | undefined;
let starting: Promise<Twin> | undefined;
let stoppingSince = 0;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function stop(signal: string, code = 0): Promise<void> {
  if (stoppingSince) {
    if (performance.now() - stoppingSince < 1500) return;
    out(`\n${signal} again: exiting now`);
    for (const pid of twin?.childPids ?? []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    process.exit(1);
  }
  stoppingSince = performance.now();
  out(`\n${signal}: stopping the twin…`);
  try {
    // A signal during start-up waits for the start to finish (or fail), then stops what started.
    const running = twin ?? (await starting?.catch(() => undefined));
    await running?.close();
  } catch (e) {
    out(`error while stopping: ${(e as Error).message}`);
    code = 1;
  }
  out('stopped.');
  process.exit(code);
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(sig));
process.on('uncaughtException', (e) => {
  out(`uncaught: ${e.stack ?? e.message}`);
  void stop('uncaughtException', 1);
});

function printBanner(t: Twin, demoPassword: string): void {
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(1, n - [...s].length));
  out();
  out(`民生 Minsheng local twin ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  out(`  web app        ${t.url}/`);
  out(`  city API       ${t.cityApi}        (health: ${t.cityApi}/health)`);
  out(`  county APIs    ${t.url}/county/<code>/api   (${t.counties.map((c) => c.code).join(', ')})`);
  out(`  front config   ${t.url}/config.json`);
  out(`  identity       ${t.identity.issuer}   (token: POST /auth/token, JWKS: /auth/.well-known/jwks.json)`);
  out(`  DynamoDB       ${t.endpoints.dynamodb}`);
  out(`  Step Functions ${t.endpoints.sfn}`);
  out(`  EventBridge    ${t.endpoints.eventbridge}`);
  out(
    `  clock          ${new Date(t.clock.now()).toISOString()}   (move it: POST ${t.url}/_local/clock {"advanceSeconds": n})`,
  );
  out(`  data           ${t.dataDir}`);
  out();
  const pw = process.env.MINSHENG_DEMO_PASSWORD ? '$MINSHENG_DEMO_PASSWORD' : demoPassword;
  out(`demo users (password: ${pw}):`);
  for (const u of t.identity.users()) {
    out(`  ${pad(u.username, 16)}${pad(u.groups.join(','), 15)}${pad(u.org, 15)}${u.name}`);
  }
  out();
  out('Ctrl-C stops everything.');
}

try {
  const config = readConfig();
  starting = startTwin({ log: (l) => out(l) });
  // The web build runs while DynamoDB Local's JVM starts; a failed build leaves the API up.
  const web = ensureWebBuilt(REPO_ROOT, out).catch((e: Error) => {
    out(`web: build failed, serving the placeholder page: ${e.message}`);
  });
  const started = await starting;
  await web;
  twin = started;
  if (!stoppingSince) {
    printBanner(started, config.demoPassword);
    // First requests after a fresh install then skip the bundling step.
    void started.lambda.prebuild();
  }
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE')
    out(`cannot start: port in use (${err.message}); set PORT / DYNAMODB_PORT / SFN_PORT`);
  else out(`cannot start: ${err.name}: ${err.message}`);
  process.exit(1);
}
