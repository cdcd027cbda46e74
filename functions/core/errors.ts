/**
 * Named domain errors. Each has a stable `code` (also its `name`, so Step Functions `ErrorEquals`
 * can match it) and the HTTP status the edge maps it to. Only 4xx messages ever reach a client.
 */

/** One field-level problem: `path` is a JSON pointer into the request data, `message` is Chinese. */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

/** Base class of every error the domain throws on purpose. */
export class DomainError extends Error {
  /** Stable machine-readable code, e.g. `TaskAlreadyCompleted`. */
  readonly code: string;
  /** HTTP status the edge answers with. */
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = code;
    this.status = status;
  }

  /** The JSON body a client sees. */
  toBody(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

/** No or unusable credentials. */
export class Unauthorized extends DomainError {
  constructor(message = '未登录或登录已过期', options?: { cause?: unknown }) {
    super('Unauthorized', 401, message, options);
  }
}

/** Authenticated, but this principal may not do this. */
export class Forbidden extends DomainError {
  constructor(message = '无权访问', options?: { cause?: unknown }) {
    super('Forbidden', 403, message, options);
  }
}

/** The thing does not exist, or the caller may not know it exists. */
export class NotFound extends DomainError {
  constructor(message = '未找到', options?: { cause?: unknown }) {
    super('NotFound', 404, message, options);
  }
}

/** The request is malformed or the submitted data breaks a rule. */
export class ValidationFailed extends DomainError {
  readonly errors: FieldError[];

  constructor(errors: FieldError[], message = '数据校验未通过', options?: { cause?: unknown }) {
    super('ValidationFailed', 400, message, options);
    this.errors = errors;
  }

  override toBody(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      errors: this.errors.map(({ path, message }) => ({ path, message })),
    };
  }
}

/** The request conflicts with the current state (a concurrent change, a duplicate). */
export class Conflict extends DomainError {
  constructor(message = '数据已被修改，请刷新后重试', code = 'Conflict', options?: { cause?: unknown }) {
    super(code, 409, message, options);
  }
}

/** The task was completed already (by this caller with another key, or by someone else). */
export class TaskAlreadyCompleted extends Conflict {
  constructor(message = '该任务已办结', options?: { cause?: unknown }) {
    super(message, 'TaskAlreadyCompleted', options);
  }
}

/** The request body is larger than the API accepts. */
export class PayloadTooLarge extends DomainError {
  constructor(message = '请求内容过大', options?: { cause?: unknown }) {
    super('PayloadTooLarge', 413, message, options);
  }
}

/** The request body is not JSON (its Content-Type is not `application/json`). */
export class UnsupportedMediaType extends DomainError {
  constructor(message = '请求体须为 JSON（Content-Type: application/json）', options?: { cause?: unknown }) {
    super('UnsupportedMediaType', 415, message, options);
  }
}

/** Configuration is missing or malformed: thrown at cold start so a bad deploy fails fast. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** True for errors whose message may be shown to the caller. */
export function isClientError(e: unknown): e is DomainError {
  return e instanceof DomainError && e.status >= 400 && e.status < 500;
}
