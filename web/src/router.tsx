/**
 * A small hash router: the app lives at `/` (the twin and CloudFront serve index.html there), and the
 * OIDC callback arrives as a query string on `/`, which hash routes never collide with.
 */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'login' }
  | { name: 'inbox' }
  | { name: 'task'; county: string; id: string }
  | { name: 'projects' }
  | { name: 'project'; county: string; id: string }
  | { name: 'rounds'; year?: number }
  | { name: 'notFound' };

/** Parses `#/tasks/340102/abc` into a route. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (seg.length === 0 || (seg[0] === 'inbox' && seg.length === 1)) return { name: 'inbox' };
  if (seg[0] === 'login' && seg.length === 1) return { name: 'login' };
  if (seg[0] === 'tasks' && seg.length === 3) return { name: 'task', county: seg[1], id: seg[2] };
  if (seg[0] === 'projects' && seg.length === 1) return { name: 'projects' };
  if (seg[0] === 'projects' && seg.length === 3) return { name: 'project', county: seg[1], id: seg[2] };
  if (seg[0] === 'rounds' && seg.length <= 2) {
    const y = seg[1] ? Number(seg[1]) : undefined;
    return { name: 'rounds', year: Number.isInteger(y) ? y : undefined };
  }
  return { name: 'notFound' };
}

/** The hash for a route. */
export function href(r: Route): string {
  switch (r.name) {
    case 'login':
      return '#/login';
    case 'inbox':
      return '#/inbox';
    case 'task':
      return `#/tasks/${encodeURIComponent(r.county)}/${encodeURIComponent(r.id)}`;
    case 'projects':
      return '#/projects';
    case 'project':
      return `#/projects/${encodeURIComponent(r.county)}/${encodeURIComponent(r.id)}`;
    case 'rounds':
      return r.year ? `#/rounds/${r.year}` : '#/rounds';
    default:
      return '#/inbox';
  }
}

export function navigate(r: Route | string, replace = false): void {
  const h = typeof r === 'string' ? r : href(r);
  if (replace)
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${h}`);
  else window.location.hash = h;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The current route, updated on hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
