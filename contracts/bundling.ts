/**
 * How every Lambda function is bundled, in AWS (CDK's NodejsFunction, infra/constructs/function.ts)
 * and on the twin (local/lambda/build.ts): the same esbuild options, so the code the twin runs is
 * the code that deploys (the AWS SDK inside the bundle, the same target, format and banner).
 */
export const BUNDLE = {
  /** Lambda runs nodejs24.x; Node 22 syntax keeps the bundles loadable by the twin's Node 20 as well. */
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  /** Nothing external: the SDK versions tested here are the ones that run. */
  external: [] as string[],
  /** CommonJS dependencies inside an ESM bundle still call require() for Node built-ins. */
  banner:
    "import { createRequire as __minshengCreateRequire } from 'node:module'; const require = __minshengCreateRequire(import.meta.url);",
} as const;
