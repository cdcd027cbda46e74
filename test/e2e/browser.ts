/**
 * Browser helpers for the e2e tests: Debian's Chromium through playwright-core (never a download),
 * a fresh profile per run, screenshots under test-results/e2e/, and accessibility checks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(REPO, 'test-results/e2e');
/** Launch flags for a headless Chromium in a container: no sandbox, GPU or background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Fails (never skips) when Chromium is missing, saying how to install it. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser tests need it: apt-get install chromium fonts-wqy-microhei`,
    );
  }
}

/** Builds the web app once (a child process, so the test runner's NODE_ENV does not leak into the bundle). */
export function buildWeb(): void {
  execFileSync(
    process.execPath,
    [
      path.join(REPO, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: REPO,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium on a fresh user-data dir, Chinese locale, a desktop viewport. */
export async function launch(): Promise<Browser> {
  requireChromium();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'ms-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

let shot = 0;

/** Saves a numbered screenshot of the viewport (and optionally the full page). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  shot += 1;
  const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * Form controls without an accessible name (label element, aria-label, aria-labelledby or title),
 * described by id/type so a failure says which. Hidden controls are ignored.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      'input, textarea, select, [role="combobox"], [role="radio"], [role="checkbox"], [role="switch"]',
    );
    for (const el of controls) {
      if ((el as HTMLInputElement).type === 'hidden') continue;
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const visible =
        style.display !== 'none' &&
        style.visibility !== 'hidden' &&
        (rect.width > 0 ||
          rect.height > 0 ||
          (el as HTMLInputElement).type === 'radio' ||
          (el as HTMLInputElement).type === 'checkbox');
      if (!visible && !el.closest('.sr-only')) continue;
      const labels = (el as HTMLInputElement).labels;
      const fromLabels = labels ? [...labels].map((l) => l.textContent?.trim() ?? '').join('') : '';
      const labelledBy = (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join('');
      const name =
        fromLabels || el.getAttribute('aria-label') || labelledBy || el.getAttribute('title') || '';
      if (!name.trim())
        out.push(
          `${el.tagName.toLowerCase()}#${el.id || '?'}[${el.getAttribute('type') ?? el.getAttribute('role') ?? ''}]`,
        );
    }
    return out;
  });
}

/** Presses Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo(page: Page, selector: string, max = 400): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`could not reach ${selector} with Tab in ${max} presses`);
}

/** Signs in with the keyboard only: type, Tab, type, Enter. */
export async function signInAs(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  const user = page.locator('#username');
  await user.waitFor();
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="inbox-table"]').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.locator('[data-testid="user-menu"]').click();
  await page.getByText('退出登录').click();
  await page.locator('#username').waitFor();
}

/** Waits for `locator`, reloading the page while it is absent (read models follow within seconds). */
export async function reloadUntil(
  page: Page,
  locator: Locator,
  what: string,
  logs: readonly string[],
  totalMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + totalMs;
  for (;;) {
    try {
      await locator.waitFor({ state: 'visible', timeout: 5000 });
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${what} did not appear; twin log tail:\n${logs.slice(-30).join('\n')}`);
      await page.reload();
    }
  }
}
