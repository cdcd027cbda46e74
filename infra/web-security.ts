/**
 * The security headers of the web app, defined once: CloudFront's response-headers policy
 * (constructs/web-hosting.ts) is built from these values, and the local twin's gateway sends the same
 * headers on its web responses. Plain data, no CDK import, so the twin can read it.
 */

/** Strict-Transport-Security max-age: one year. */
export const HSTS_MAX_AGE_SECONDS = 365 * 24 * 3600;

/** The frame, referrer and XSS settings, in the spelling of the HTTP headers. */
export const WEB_SECURITY = {
  hsts: { maxAgeSeconds: HSTS_MAX_AGE_SECONDS, includeSubdomains: true },
  contentTypeOptions: 'nosniff',
  frameOptions: 'DENY',
  referrerPolicy: 'strict-origin-when-cross-origin',
  xssProtection: { protection: true, modeBlock: true },
} as const;

/**
 * The Content-Security-Policy: everything from the app's own origin; `connect-src` adds the APIs and
 * the identity provider when they live elsewhere (in AWS: execute-api and Cognito hosts; on the twin
 * they share the app's origin, so none).
 */
export function contentSecurityPolicy(connectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // 'unsafe-eval': the task page compiles JSON Schemas in the browser with ajv (rjsf's
    // @rjsf/validator-ajv8, and forms without a precompiled validator), which generates code with
    // Function(). Without it the task page cannot validate (the twin's browser test stops at the
    // first form). Dropping it needs precompiled validators in the browser for every schema.
    "script-src 'self' 'unsafe-eval'",
    // Ant Design injects its CSS-in-JS styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** The same policy as HTTP response headers (what CloudFront adds to every response it serves). */
export function securityHeaders(connectSources: readonly string[] = []): Record<string, string> {
  const s = WEB_SECURITY;
  return {
    'strict-transport-security': `max-age=${s.hsts.maxAgeSeconds}${s.hsts.includeSubdomains ? '; includeSubDomains' : ''}`,
    'x-content-type-options': s.contentTypeOptions,
    'x-frame-options': s.frameOptions,
    'referrer-policy': s.referrerPolicy,
    'x-xss-protection': `${s.xssProtection.protection ? 1 : 0}${s.xssProtection.modeBlock ? '; mode=block' : ''}`,
    'content-security-policy': contentSecurityPolicy(connectSources),
  };
}
