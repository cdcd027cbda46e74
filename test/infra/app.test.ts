import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { deployedFunctions } from '../../functions/registry';
import { deployedRoutes } from '../../functions/routes';
import { CITY_STACK_ID, countyStackId, readAppConfig, WEB_CONFIG_STACK_ID } from '../../infra/config';
import { WorkflowWiringError } from '../../infra/constructs/workflows';
import { buildMinsheng } from '../../infra/minsheng-app';
import { buildTestApp, CDK_JSON, nagFindings, WEB_DIST_FIXTURE } from './synth';

function templatesIn(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.template.json')) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}

describe('the app', () => {
  it('has one county stack per minsheng:counties entry of cdk.json, with the code in its id', () => {
    const configured = CDK_JSON.context['minsheng:counties'] as { code: string }[];
    const t = buildTestApp();
    try {
      const counties = t.app.node.children.filter(
        (c) => c instanceof Stack && c.node.id.startsWith('Minsheng-County-'),
      );
      expect(counties.map((c) => c.node.id).sort()).toEqual(
        configured.map((c) => countyStackId(c.code)).sort(),
      );
      expect(counties).toHaveLength(12);
      expect(t.app.node.tryFindChild(CITY_STACK_ID)).toBeInstanceOf(Stack);
      expect(t.app.node.tryFindChild(WEB_CONFIG_STACK_ID)).toBeInstanceOf(Stack);
    } finally {
      t.cleanup();
    }
  });

  it('synthesizes for cn-north-1 with no literal arn:aws: in any template and no open cdk-nag finding', () => {
    // Two counties: every county stack has the same shape; the count is checked above.
    const t = buildTestApp({ region: 'cn-north-1', counties: 2, webDistPath: WEB_DIST_FIXTURE, nag: true });
    try {
      const assembly = t.app.synth();
      for (const stack of t.app.node.children.filter((c): c is Stack => c instanceof Stack)) {
        expect(nagFindings(stack), stack.stackName).toEqual([]);
      }
      // CloudFront in China has no origin access control: an origin access identity is used there.
      const cityResources = Object.values<{ Type: string }>(
        JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Minsheng-City.template.json'), 'utf8'))
          .Resources,
      ).map((r) => r.Type);
      expect(cityResources).not.toContain('AWS::CloudFront::OriginAccessControl');
      expect(cityResources).toContain('AWS::CloudFront::CloudFrontOriginAccessIdentity');
      const templates = templatesIn(assembly.directory);
      expect(Object.keys(templates)).toHaveLength(4);
      for (const [file, text] of Object.entries(templates)) {
        expect(text.includes('arn:aws:'), file).toBe(false);
        expect(text.includes('amazonaws.com/'), file).toBe(false);
      }
      expect(assembly.getStackByName(countyStackId('340102')).environment.region).toBe('cn-north-1');
    } finally {
      t.cleanup();
    }
  });

  it('leaves no cdk-nag AwsSolutions finding unacknowledged, and every acknowledgement has a reason', () => {
    const t = buildTestApp({ counties: 2, extraEntries: true, webDistPath: WEB_DIST_FIXTURE, nag: true });
    try {
      t.app.synth();
      const stacks = t.app.node.children.filter((c): c is Stack => c instanceof Stack);
      expect(stacks).toHaveLength(4);
      for (const stack of stacks) expect(nagFindings(stack), stack.stackName).toEqual([]);
      // (findings are listed with their construct path when this fails)
      let suppressions = 0;
      for (const c of t.app.node.findAll()) {
        const cfn = c as unknown as { getMetadata?: (k: string) => any };
        const rules = cfn.getMetadata?.('cdk_nag')?.rules_to_suppress as
          | { id: string; reason: string }[]
          | undefined;
        for (const r of rules ?? []) {
          suppressions++;
          expect(r.reason.length, `${c.node.path} ${r.id}`).toBeGreaterThan(40);
        }
      }
      expect(suppressions).toBeGreaterThan(0);
    } finally {
      t.cleanup();
    }
  });

  it('rejects malformed context with a message naming the key', () => {
    const ctx = (over: Record<string, unknown>) => ({
      tryGetContext: (k: string) => (k in over ? over[k] : CDK_JSON.context[k]),
    });
    expect(() => readAppConfig(ctx({ 'minsheng:counties': [] }), {})).toThrow(/minsheng:counties/);
    expect(() =>
      readAppConfig(
        ctx({
          'minsheng:counties': [
            { code: '340102', name: 'a' },
            { code: '340102', name: 'b' },
          ],
        }),
        {},
      ),
    ).toThrow(/appears twice/);
    expect(() =>
      readAppConfig(ctx({ 'minsheng:identity': { kind: 'oidc', issuer: 'http://x' } }), {}),
    ).toThrow(/minsheng:identity/);
    expect(() => readAppConfig(ctx({ region: 'cn north' }), {})).toThrow(/region/);
    const ok = readAppConfig(ctx({ region: 'cn-north-1' }), { CDK_DEFAULT_ACCOUNT: '123456789012' });
    expect(ok).toMatchObject({ region: 'cn-north-1', account: '123456789012', city: { code: '340100' } });
    expect(ok.counties).toHaveLength(12);
  });
});

describe('wiring errors', () => {
  const attempt = (options: Parameters<typeof buildMinsheng>[2]) => {
    const app = new App({ context: { ...CDK_JSON.context, 'aws:cdk:bundling-stacks': [] } });
    const config = readAppConfig(app.node, {});
    return () =>
      buildMinsheng(app, { ...config, counties: config.counties.slice(0, 1) }, { nag: false, ...options });
  };

  it('refuses a function that a workflow invokes and that would also start workflows (a dependency cycle)', () => {
    const functions = deployedFunctions().map((f) =>
      f.id === 'OpenTask' ? { ...f, access: [...(f.access ?? []), 'workflows:start' as const] } : f,
    );
    expect(attempt({ functions })).toThrow(WorkflowWiringError);
  });

  it('refuses a route whose function the stack does not deploy', () => {
    const routes = [
      ...deployedRoutes(),
      { api: 'county', method: 'GET', path: '/nowhere', fn: 'OpenRound', auth: 'jwt' } as const,
    ];
    expect(attempt({ routes })).toThrow(/OpenRound, which the county stack does not deploy/);
  });

  it('refuses a workflow that names a function the county stack lacks', () => {
    const workflows = [{ id: 'broken', version: 1, asl: '{}', substitutions: ['MissingArn', 'Partition'] }];
    expect(attempt({ workflows })).toThrow(/MissingArn/);
  });
});

describe('bundling', () => {
  it('bundles each function once however many county stacks deploy it: ESM, minified, SDK inside, source maps', () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: any, ...rest: any[]) => {
      lines.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    let t: ReturnType<typeof buildTestApp> | undefined;
    try {
      // Bundling runs while the constructs are built, so the capture spans construction.
      t = buildTestApp({ counties: 2, bundling: true });
      const assembly = t.app.synth();
      const bundled = lines.join('').match(/Bundling asset [^\n]*/g) ?? [];
      const ids = new Set(deployedFunctions().map((f) => f.id));
      expect(bundled).toHaveLength(ids.size);
      // The two county stacks reference the very same asset for each function.
      const codeKeys = (name: string) => {
        const tpl = JSON.parse(
          fs.readFileSync(path.join(assembly.directory, `${name}.template.json`), 'utf8'),
        );
        return Object.values<any>(tpl.Resources)
          .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime?.startsWith('nodejs'))
          .map((r) => r.Properties.Code.S3Key as string)
          .sort();
      };
      expect(codeKeys(countyStackId('340102'))).toEqual(codeKeys(countyStackId('340103')));
      const health = t.counties.get('340102')!.functions.byId.get('Health')!;
      const asset = path.join(
        assembly.directory,
        `asset.${(health.function.node.findChild('Code') as any).assetHash}`,
      );
      const code = fs.readFileSync(path.join(asset, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __minshengCreateRequire } from 'node:module';")).toBe(
        true,
      );
      expect(code).toMatch(/export\s*\{/);
      expect(fs.existsSync(path.join(asset, 'index.mjs.map'))).toBe(true);
      const complete = t.counties.get('340102')!.functions.byId.get('CompleteTask')!;
      const completeAsset = path.join(
        assembly.directory,
        `asset.${(complete.function.node.findChild('Code') as any).assetHash}`,
      );
      const completeCode = fs.readFileSync(path.join(completeAsset, 'index.mjs'), 'utf8');
      // The SDK is inside the bundle, not imported from the runtime.
      expect(completeCode).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(completeCode).toContain('SendTaskSuccess');
      // Minified: a few very long lines.
      expect(completeCode.length / completeCode.split('\n').length).toBeGreaterThan(1000);
    } finally {
      process.stderr.write = write;
      t?.cleanup();
    }
  });
});
