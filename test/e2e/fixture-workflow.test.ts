/**
 * A workflow that is not the product's, in the browser: the permit of test/fixtures/kits/permit (its
 * definition, its three forms and its kit, bundled into the twin's functions) worked through by its
 * users in the page: the county applies, the city office returns it with an opinion, the county sees
 * why and resubmits, the city approves, the county confirms a prefilled form; then the notice its
 * completion triggers shows on the bell and is acknowledged. Screenshots: test-results/e2e/*-permit-*.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from '../../local/twin';
import {
  type Browser,
  buildWeb,
  launch,
  reloadUntil,
  requireChromium,
  screenshot,
  signInAs,
  signOut,
  unnamedControls,
} from './browser';

const PASSWORD = 'e2e-demo-password';
const COUNTY = '340102';
const YEAR = new Date().getFullYear() + 1;

let twin: Twin;
let browser: Browser;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  requireChromium();
  buildWeb();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ms-e2e-fx-'));
  twin = await startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties: [COUNTY],
    demoPassword: PASSWORD,
    log: (l) => logs.push(l),
    extraKits: ['test/fixtures/kits/permit/kit.ts'],
  });
  browser = await launch();
  browser.page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await twin?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (page: Page, user: string) => signInAs(page, twin.url, user, PASSWORD);
const waitWithReload = (page: Page, locator: Locator, what: string) => reloadUntil(page, locator, what, logs);

async function openTask(page: Page, title: string): Promise<void> {
  const link = page.locator('a.task-link', { hasText: title }).first();
  await waitWithReload(page, link, `task "${title}" in the inbox`);
  await link.click();
  await page.locator('.task-page').waitFor();
}

/** Types a date into a date picker and confirms it, as a keyboard user would. */
async function pickDate(page: Page, selector: string, date: string): Promise<void> {
  const input = page.locator(selector);
  await input.click();
  await input.fill('');
  await page.keyboard.type(date);
  await page.keyboard.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(date);
}

async function decide(page: Page, outcome: string): Promise<void> {
  await page.locator(`button[data-outcome="${outcome}"]`).click();
  await page.locator('[data-testid="inbox-table"]').waitFor({ timeout: 30_000 });
}

describe('a workflow from a kit outside the product, in the browser', () => {
  it('applies, is returned with an opinion, resubmits, is approved and confirmed; its notice is acknowledged', async () => {
    const page = browser.page;
    try {
      const token = await twin.login('city_office', PASSWORD);
      const started = await fetch(`${twin.cityApi}/workflows/fx-permit/instances`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: { year: YEAR, ref: 'W1' }, counties: [COUNTY] }),
      });
      expect(started.status).toBe(202);

      await signIn(page, `county_${COUNTY}`);
      await openTask(page, '申请');
      expect(await unnamedControls(page)).toEqual([]);
      await page.fill('#root_amount', '20');
      await page.fill('#root_reason', '道路修缮');
      await pickDate(page, '#root_startDate', `${YEAR - 1}-05-01`);
      // The date rule runs in the browser with the server's facts, before anything is sent.
      await page.locator('button[data-outcome="submit"]').click();
      await page.locator('.ant-form-item-explain-error', { hasText: '不在' }).first().waitFor();
      await screenshot(page, 'permit-apply-refused');
      await pickDate(page, '#root_startDate', `${YEAR}-05-01`);
      await decide(page, 'submit');
      await signOut(page);

      await signIn(page, 'city_office');
      await openTask(page, '审核');
      await page.fill('#root_opinion', '请补充预算明细');
      await screenshot(page, 'permit-check-return');
      await decide(page, 'return');
      await signOut(page);

      await signIn(page, `county_${COUNTY}`);
      await openTask(page, '申请');
      const notes = page.locator('[data-testid="return-notes"]');
      await notes.waitFor();
      expect(await notes.textContent()).toContain('请补充预算明细');
      expect(await page.inputValue('#root_amount')).toBe('20.00');
      await page.fill('#root_reason', '道路修缮，附预算明细');
      await screenshot(page, 'permit-apply-again');
      await decide(page, 'submit');
      await signOut(page);

      await signIn(page, 'city_office');
      await openTask(page, '审核');
      await decide(page, 'approve');
      await signOut(page);

      await signIn(page, `county_${COUNTY}`);
      await openTask(page, '确认');
      // The kit prefilled the confirmation from the application.
      expect(await page.inputValue('#root_confirmedAmount')).toBe('20.00');
      await decide(page, 'submit');

      // The completion triggered a follow-up notice: the bell counts it, the notice page acknowledges it.
      const bell = page.locator('[data-testid="notification-bell"] .ant-badge-count');
      await waitWithReload(page, bell, 'the notice on the bell');
      expect(await page.locator('[data-testid="notification-bell"]').getAttribute('aria-label')).toMatch(
        /1 条未读/,
      );
      await page.locator('[data-testid="notification-bell"]').click();
      await screenshot(page, 'permit-bell');
      await page.locator('[data-testid="notification"]').first().click();
      const text = page.locator('[data-testid="notice-text"]');
      await text.waitFor();
      expect(await text.textContent()).toContain('许可 W1 已确认，金额 20 万元');
      await screenshot(page, 'permit-notice');
      await decide(page, 'acknowledge');
      await expect
        .poll(async () => page.locator('[data-testid="notification-bell"]').getAttribute('aria-label'))
        .toMatch(/0 条未读/);
    } catch (e) {
      await screenshot(page, 'permit-failure', true).catch(() => {});
      throw e;
    }
  }, 600_000);
});
