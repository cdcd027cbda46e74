/**
 * The one ajv configuration of the platform, used by the generator (standalone code) and by the run-time
 * compile of admin-published forms. The browser's react-jsonschema-form validator should use
 * AJV_OPTIONS too so its live checks agree with the server.
 */
import Ajv, { type Options } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * strict: unknown keywords and loose types are definition errors, not silently ignored.
 * allErrors off: the server stops at the first problem (bounded work per request).
 * $data off: no data-driven limits. No coercion, no defaults, no removal: the data is checked, never changed.
 * multipleOfPrecision: amounts are checked as multiples of 0.01 without binary-float false alarms.
 */
export const AJV_OPTIONS = Object.freeze({
  strict: true,
  allErrors: false,
  $data: false,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  multipleOfPrecision: 4,
  messages: true,
} satisfies Options);

/** Formats a form schema may use (ajv-formats names). */
export const FORMATS = ['date'] as const;

/** A run-time ajv instance with the platform options; `allErrors` only for browser-style pre-checks. */
export function createAjv(options: { allErrors?: boolean } = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, allErrors: options.allErrors === true });
  addFormats(ajv, [...FORMATS]);
  return ajv;
}
