/**
 * The 二上二下 allocation through the browser, on the local twin: every human step done in the page
 * by the user it belongs to, with a screenshot of each under test-results/e2e/.
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
  tabTo,
  unnamedControls,
} from './browser';

const PASSWORD = 'e2e-demo-password';
const COUNTY = '340102';
const YEAR = new Date().getFullYear() + 1;
// Two subsidy projects led by one department keep every review step while keeping the run short.
const PROJECTS = [
  { code: 'MS01', name: '城乡居民基本医疗保险', leadDept: 'dept_yb', category: 'subsidy' },
  { code: 'MS02', name: '城乡居民大病保险', leadDept: 'dept_yb', category: 'subsidy' },
];

let twin: Twin;
let browser: Browser;
let dataDir: string;
const logs: string[] = [];

beforeAll(async () => {
  requireChromium();
  buildWeb();
  dataDir = mkdtempSync(path.join(tmpdir(), 'ms-e2e-'));
  twin = await startTwin({
    port: 0,
    dynamodbPort: 0,
    sfnPort: 0,
    dataDir,
    counties: [COUNTY],
    demoPassword: PASSWORD,
    log: (l) => logs.push(l),
  });
  browser = await launch();
  browser.page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await twin?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const signIn = (page: Page, username: string) => signInAs(page, twin.url, username, PASSWORD);
const waitWithReload = (page: Page, locator: Locator, what: string, totalMs?: number) =>
  reloadUntil(page, locator, what, logs, totalMs);

/** Waits until the inbox lists a task with this title, then opens it. */
async function openTaskFromInbox(
  page: Page,
  title: string,
  byKeyboard = false,
  shot?: string,
): Promise<void> {
  const link = page.locator('a.task-link', { hasText: title }).first();
  await waitWithReload(page, link, `task "${title}" in the inbox`);
  if (shot) await screenshot(page, shot);
  if (byKeyboard) {
    await tabTo(page, 'a.task-link');
    await page.keyboard.press('Enter');
  } else {
    await link.click();
  }
  await page.locator('.task-form-card').waitFor();
  await page.locator('.lines-table').first().waitFor();
}

/** Presses an outcome button and waits for the inbox (the page returns there after a submit). */
async function complete(page: Page, outcome: string): Promise<void> {
  await page.locator(`button[data-outcome="${outcome}"]`).click();
  await page.locator('[data-testid="inbox-table"]').waitFor({ timeout: 30_000 });
}

async function expectAllNamed(page: Page): Promise<void> {
  expect(await unnamedControls(page)).toEqual([]);
}

describe('二上二下 in the browser', () => {
  it('runs a county through every step and shows the project history', async () => {
    try {
      await allocationFlow(browser.page);
    } catch (e) {
      await screenshot(browser.page, 'failure', true).catch(() => {});
      throw e;
    }
  }, 600_000);
});

async function allocationFlow(page: Page): Promise<void> {
  {
    // The city office opens the year (the round page only watches it).
    const cityToken = await twin.login('city_office', PASSWORD);
    const opened = await fetch(`${twin.cityApi}/allocation-rounds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cityToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ year: YEAR, projects: PROJECTS, counties: [COUNTY] }),
    });
    expect(opened.status, await opened.clone().text()).toBe(202);

    // 一上: the county officer, keyboard only from sign-in to the task.
    await page.goto(`${twin.url}/`);
    await page.locator('#username').waitFor();
    await expectAllNamed(page);
    await screenshot(page, 'sign-in');
    await signIn(page, 'county_340102');
    await expectAllNamed(page);
    await openTaskFromInbox(page, '一上', true, 'inbox-county');
    await expectAllNamed(page);
    const amounts = [
      {
        quantity: '12000',
        targets: '参保率稳定在95%以上',
        central: '300',
        provincial: '120',
        city: '60',
        county: '40',
      },
      {
        quantity: '8000',
        targets: '大病保险报销比例不低于60%',
        central: '0',
        provincial: '80',
        city: '40',
        county: '30',
      },
    ];
    for (const [i, a] of amounts.entries()) {
      await page.fill(`#root_lines_${i}_quantity`, a.quantity);
      await page.fill(`#root_lines_${i}_targets`, a.targets);
      for (const s of ['central', 'provincial', 'city', 'county'] as const)
        await page.fill(`#root_lines_${i}_funds_${s}`, a[s]);
    }
    // Later versions of the proposal form ask for a contact; fill it when the pinned version has one.
    if (await page.locator('#root_contact_name').count()) {
      await page.fill('#root_contact_name', '王芳');
      await page.fill('#root_contact_phone', '0551-62345678');
    }
    await expect
      .poll(() => page.locator('[data-testid="draft-status"]').textContent(), { timeout: 15_000 })
      .toContain('草稿已保存');
    await screenshot(page, 'proposal-filled');
    // Submit by keyboard: Tab to the button, Enter.
    await tabTo(page, 'button[data-outcome="submit"]');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="inbox-table"]').waitFor({ timeout: 30_000 });
    await signOut(page);

    // Lead department review: return MS02 with a comment.
    await signIn(page, 'dept_yb');
    await openTaskFromInbox(page, '牵头部门审核');
    await expectAllNamed(page);
    await page.locator('[data-line="1"]').getByLabel('退回修改').check();
    await page.fill('#root_lines_1_comment', '大病保险市级资金需求偏高，请按参保人数重新测算');
    await screenshot(page, 'dept-review-return');
    await page.locator('button[data-outcome="approve"]').click();
    await page
      .getByRole('alert')
      .filter({ hasText: '退回修改' })
      .first()
      .waitFor({ state: 'visible', timeout: 15_000 });
    await complete(page, 'return');
    await signOut(page);

    // The county fixes the returned line and submits again.
    await signIn(page, 'county_340102');
    await openTaskFromInbox(page, '一上');
    await expect
      .poll(() => page.locator('[data-testid="return-notes"]').textContent(), { timeout: 15_000 })
      .toContain('请按参保人数重新测算');
    await page.fill('#root_lines_1_funds_city', '25');
    await screenshot(page, 'proposal-fixed');
    // Printing the task gives every line as a plain table, without the app's chrome.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.emulateMedia({ media: 'print' });
    await page.locator('.print-table').waitFor();
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('.print-table tbody tr').count()).toBe(2);
    await screenshot(page, 'proposal-print', true);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.locator('#root_lines_1_funds_city').waitFor();
    // The session expires while the form is open: submitting asks to sign in again and then goes
    // through with what was typed.
    twin.advanceClock(2 * 3600);
    await page.locator('button[data-outcome="submit"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('登录已过期').waitFor();
    await dialog.locator('#password').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(PASSWORD);
    await screenshot(page, 'session-expired');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="inbox-table"]').waitFor({ timeout: 30_000 });
    await signOut(page);

    // The department sees what changed and approves; then the city office consolidates.
    await signIn(page, 'dept_yb');
    await openTaskFromInbox(page, '牵头部门审核');
    await expect
      .poll(() => page.locator('.compare-panel').textContent(), { timeout: 15_000 })
      .toContain('1 行有变化');
    await screenshot(page, 'dept-review-approve');
    await complete(page, 'approve');
    await signOut(page);

    await signIn(page, 'city_office');
    await openTaskFromInbox(page, '市民生办汇总审核');
    await complete(page, 'approve');

    // 一下: the city office issues control figures, one below the request.
    await openTaskFromInbox(page, '一下');
    await expectAllNamed(page);
    await page.fill('#root_lines_0_control_city', '50');
    await screenshot(page, 'control-figures');
    await complete(page, 'submit');
    await signOut(page);

    // 二上: the county plans above a control figure, is refused in Chinese, then fixes it.
    await signIn(page, 'county_340102');
    await openTaskFromInbox(page, '二上');
    await expectAllNamed(page);
    // The plan opens prefilled from the control figures; the county adds who is responsible.
    for (const i of [0, 1]) await page.fill(`#root_lines_${i}_responsibleUnit`, '瑶海区医疗保障局');
    await page.fill('#root_lines_0_funds_city', '60');
    await page.locator('button[data-outcome="submit"]').click();
    const refusal = page.locator('.ant-form-item-explain-error', { hasText: '超过一下控制数' });
    await refusal.first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('.cell-rule').first().waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'plan-refused');
    await page.fill('#root_lines_0_funds_city', '50');
    await expect.poll(() => refusal.count(), { timeout: 15_000 }).toBe(0);
    await complete(page, 'submit');
    await signOut(page);

    // 二下: the department and the city office approve.
    await signIn(page, 'dept_yb');
    await openTaskFromInbox(page, '牵头部门审批');
    await screenshot(page, 'dept-approval');
    await complete(page, 'approve');
    await signOut(page);
    await signIn(page, 'city_office');
    await openTaskFromInbox(page, '市民生办审定');
    await complete(page, 'approve');

    // The round overview and the project's history.
    await page.goto(`${twin.url}/#/rounds/${YEAR}`);
    await expect
      .poll(() => page.locator('[data-testid="round-table"]').textContent(), { timeout: 15_000 })
      .toContain('瑶海区');
    await screenshot(page, 'round-overview');
    await page.goto(`${twin.url}/#/projects`);
    const project = page.getByRole('link', { name: '城乡居民大病保险' });
    await waitWithReload(page, project, 'the project in the list');
    await project.click();
    const history = page.locator('[data-testid="project-history"]');
    await expect.poll(() => history.textContent(), { timeout: 15_000 }).toContain('退回修改');
    await expect
      .poll(() => page.locator('[data-testid="project-funds"]').textContent(), { timeout: 15_000 })
      .toContain('25');
    await screenshot(page, 'project-history', true);
    // The language switch: the same page in English, and back.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByText('Allocation history').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, 'project-english');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByText('分配历程').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  }
}
