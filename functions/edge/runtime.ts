/**
 * How the edges (handlers) get a runtime: the core context of the process plus this build's kits
 * and definitions, built once per process.
 */
import { dynamo, eventBridge, stepFunctions } from '../core/clients';
import { type ConfigNeeds, config } from '../core/config';
import { type Ctx, createContext } from '../core/context';
import { CARRIED_DEFINITIONS, KITS } from '../kits/index';
import { type Runtime, runtimeOf } from '../runtime/context';
import { bundledDefinitions } from '../runtime/definitions';

const definitions = bundledDefinitions(CARRIED_DEFINITIONS);
const made = new WeakMap<Ctx, Runtime>();

/** The runtime over a handler's core context (one per context). */
export function runtime(ctx: Ctx): Runtime {
  let rt = made.get(ctx);
  if (!rt) {
    rt = runtimeOf(ctx, KITS, definitions);
    made.set(ctx, rt);
  }
  return rt;
}

/** The runtime of a step or event handler: configuration checked against `needs`, the named clients. */
export function stepContext(
  needs: ConfigNeeds,
  clients: { db?: boolean; events?: boolean; sfn?: boolean },
): Runtime {
  const cfg = config(needs);
  return runtime(
    createContext(cfg, {
      db: clients.db ? dynamo(cfg) : undefined,
      events: clients.events ? eventBridge(cfg) : undefined,
      sfn: clients.sfn ? stepFunctions(cfg) : undefined,
    }),
  );
}
