/** GET /health: answers without touching dependencies; the twin's /api/health checks those itself. */
export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true }),
});
