/** Shared types of the forms module. Submission data types are generated: see generated/types.gen.ts. */

/** Text in Chinese and English. */
export interface LocalizedText {
  zh: string;
  en: string;
}

/** An English (or other language) label for one schema node; see form-definition.schema.json `i18n`. */
export type LabelOverride = string | { title?: string; description?: string; help?: string };

/** A JSON Schema node (draft-07). Kept loose on purpose: definitions are data edited by administrators. */
export type JsonSchema = { [keyword: string]: unknown };

/** One published version of a form; the shape is documented by forms/form-definition.schema.json. */
export interface FormDefinition {
  $schema?: string;
  id: string;
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  /** JSON Schema draft-07 of the submission data. */
  schema: JsonSchema;
  /** react-jsonschema-form v6 UI schema. */
  uiSchema: Record<string, unknown>;
  /** Labels in other languages, keyed by JSON pointer into `schema`. */
  i18n?: { en?: Record<string, LabelOverride> };
  /** What some fields mean to the platform (see forms/roles.ts). */
  roles?: FormRoles;
  /** Names of the domain rules run after the schema. */
  rules: string[];
}

/** Field roles a form declares; see `roles` in form-definition.schema.json. */
export interface FormRoles {
  lines?: string;
  lineKey?: string;
  lineLabel?: string;
  decision?: string;
  lineComment?: string;
  comment?: string;
}

/** One validation problem. `path` is a JSON pointer into the submitted data ('' = the whole submission). */
export interface FieldError {
  path: string;
  /** Chinese message for the person filling the form. */
  message: string;
  /** Stable code: `schema.<ajv keyword>` or `rule.<rule name>` (or `form.*` for problems with the form itself). */
  code: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: FieldError[] };
