import type { RJSFSchema } from '@rjsf/utils';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Input,
  Result,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { localizeForm } from '../../../forms/i18n';
import {
  approveUndecided,
  commentOf,
  decisionProblems,
  hasLineDecisions,
  rolesOf,
} from '../../../forms/roles';
import { ApiError, countyApi, countyName, NetworkError, request } from '../api/client';
import type { PinnedForm, TaskDetail } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { ComparePanel } from '../components/ComparePanel';
import { PrintLines } from '../components/PrintLines';
import { FormWithLines } from '../form/FormWithLines';
import { OrgWidget } from '../form/OrgWidget';
import { type CellMark, type LinesContext, layoutPaths } from '../form/templates';
import { checkSubmission, definitionOf, sharedValidator } from '../form/validator';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/messages';
import { diffLines, findLines } from '../lib/diff';
import { formatDate, formatDateTime, isOverdue, localized } from '../lib/format';
import { IdempotencyKeys } from '../lib/idempotency';
import { assignedOrg, isKnownOrg, orgName, withOrgWidget } from '../lib/orgs';
import { errorsToTree, type FieldError, parsePointer } from '../lib/pointer';
import { cellText, columnsOf, itemSchemaAt } from '../lib/schemaColumns';
import { compareWithOf, dropErrorsAt, initialData, type LocalBackup, outcomesFor } from '../lib/task';
import { href, navigate } from '../router';

/** The task page: loads the task from its county's API and shows the form of its pinned version. */
export default function TaskPage({ county, id }: { county: string; id: string }) {
  const { t } = useI18n();
  const task = useQuery({
    queryKey: ['task', county, id],
    queryFn: () => request<TaskDetail>(countyApi(county), `/tasks/${encodeURIComponent(id)}`),
    // The form keeps its own state while open; refetching under it would fight the user's typing.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  if (task.isLoading) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (task.isError || !task.data) {
    const e = task.error;
    const status = e instanceof ApiError ? e.status : 500;
    return (
      <Result
        status={status === 403 ? '403' : status === 404 ? '404' : 'error'}
        title={
          status === 403 ? t('common.forbidden') : status === 404 ? t('common.notFound') : t('common.error')
        }
        subTitle={e instanceof ApiError ? e.message : undefined}
        extra={<a href={href({ name: 'inbox' })}>{t('task.back')}</a>}
      />
    );
  }
  if (!task.data.form) return <NoticeView county={county} task={task.data} />;
  return <TaskView county={county} task={task.data} form={task.data.form} />;
}

/** A notice step's task: the generated notice, and its acknowledgement (签收). */
function NoticeView({ county, task }: { county: string; task: TaskDetail }) {
  const { t, lang } = useI18n();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const keys = useRef(new IdempotencyKeys());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = task.status === 'open';
  const acknowledge = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const body = { outcome: 'acknowledge', data: {} };
      await request(countyApi(county), `/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': keys.current.keyFor(body) },
      });
      keys.current.settle();
      message.success(t('task.acknowledged'));
      await qc.invalidateQueries({ queryKey: ['tasks'] });
      navigate({ name: 'inbox' });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('task.retry'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="task-page">
      <Card className="task-head">
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          <a className="no-print" href={href({ name: 'inbox' })}>
            ← {t('task.back')}
          </a>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {localized(task.title, lang)}
          </Typography.Title>
          <Typography.Text type="secondary">
            {[countyName(task.county, task.countyName), task.year, formatDate(task.dueAt)]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Text>
        </Space>
      </Card>
      <Card style={{ marginTop: 12 }} data-testid="notice-text">
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
          {task.notice ? localized(task.notice, lang) : ''}
        </Typography.Paragraph>
      </Card>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 12 }} />}
      {open && task.canComplete && (
        <Card className="task-actions no-print" style={{ marginTop: 12 }}>
          <Button
            type="primary"
            size="large"
            loading={busy}
            onClick={() => void acknowledge()}
            data-outcome="acknowledge"
          >
            {t('task.acknowledge')}
          </Button>
        </Card>
      )}
      {!open && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 12 }}
          title={t(task.status === 'cancelled' ? 'task.cancelled' : 'task.readOnly')}
        />
      )}
    </div>
  );
}

const backupKey = (county: string, id: string) => `minsheng.backup.${county}/${id}`;

function readBackup(key: string): LocalBackup | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as LocalBackup) : null;
  } catch {
    return null;
  }
}

type DraftState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'failed' };

const OUTCOME_LABEL: Record<string, MessageKey> = {
  submit: 'task.submit',
  approve: 'task.approve',
  return: 'task.return',
  reject: 'task.reject',
  acknowledge: 'task.acknowledge',
};

function TaskView({ county, task, form }: { county: string; task: TaskDetail; form: PinnedForm }) {
  const { t, lang } = useI18n();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const { session } = useAuth();
  const done = task.status === 'done';
  const readOnly = done || task.canComplete === false;
  const api = countyApi(county);
  const bKey = backupKey(county, task.id);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the start is read once per loaded task
  const start = useMemo(() => initialData(task, readOnly ? null : readBackup(bKey)), [task]);
  // The form owns the data while the user types. `dataRef` always holds the latest; `data` is a
  // snapshot taken when typing pauses, for the views derived from it (changes, marks, autosave).
  const [data, setData] = useState<unknown>(start.data);
  const dataRef = useRef<unknown>(start.data);
  const syncTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Bumped when the page replaces the data (not when the user types), so the form starts over from it.
  const [dataKey, setDataKey] = useState(0);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [clientErrors, setClientErrors] = useState<FieldError[]>([]);
  const [submitting, setSubmitting] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ type: 'error' | 'warning' | 'success'; text: string } | null>(null);
  const [comment, setComment] = useState('');
  const [draft, setDraft] = useState<DraftState>({ kind: 'idle' });
  const [focusLine, setFocusLine] = useState<LinesContext['focusLine']>();
  const [printing, setPrinting] = useState(false);
  const inFlight = useRef(false);
  const keys = useRef(new IdempotencyKeys());
  const changedOnce = useRef(false);

  const def = useMemo(() => definitionOf(form), [form]);
  const localizedForm = useMemo(() => localizeForm(def, lang), [def, lang]);
  const schema = localizedForm.schema as RJSFSchema;
  const uiSchema = useMemo(
    () => ({
      ...withOrgWidget(localizedForm.schema, localizedForm.uiSchema, OrgWidget),
      'ui:submitButtonOptions': { norender: true },
    }),
    [localizedForm],
  );
  const review = hasLineDecisions(def);
  const roles = rolesOf(def);
  const outcomes = outcomesFor(task);
  const layouts = useMemo(() => layoutPaths(schema, uiSchema), [schema, uiSchema]);
  const tables = useMemo(() => [...layouts].filter(([, l]) => l === 'table').map(([p]) => p), [layouts]);
  // A form that declares its own comment field needs no separate comment box.
  const hasCommentField = !!roles.comment;

  // biome-ignore lint/correctness/useExhaustiveDependencies: says once, on opening, where the data came from
  useEffect(() => {
    if (start.source === 'backup') message.info(t('task.draftRestored'));
  }, []);

  // Earlier submissions (newest first) and what changed; computed from a deferred copy so typing is
  // never blocked on it. The server chose which one to compare with and which returns are current.
  const rounds = task.previous;
  const returns = task.returns;
  const deferred = useDeferredValue(data);
  const { path: linesPath, lines } = findLines(deferred);
  const { item: itemSchema, ui: itemUi } = itemSchemaAt(schema, uiSchema, linesPath || '/lines');
  const cols = useMemo(() => columnsOf(itemSchema, itemUi), [itemSchema, itemUi]);
  const compareRound = compareWithOf(task);
  const lineKey = roles.lineKey;
  const marksRef = useRef<{ sig: string; marks: Map<string, Map<string, CellMark>> }>({
    sig: '',
    marks: new Map(),
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: derived from the typing-paused snapshot on purpose
  const marks = useMemo(() => {
    const m = new Map<string, Map<string, CellMark>>();
    const put = (ptr: string, kind: CellMark['kind'], text: string) => {
      const segs = parsePointer(ptr);
      const parent = `/${segs.slice(0, -1).join('/')}`;
      const leaf = segs[segs.length - 1];
      if (!m.has(parent)) m.set(parent, new Map());
      const cur = m.get(parent)!;
      if (kind === 'rule' || !cur.has(leaf)) cur.set(leaf, { kind, text });
    };
    if (readOnly || !linesPath) return marksRef.current.marks;
    for (const note of returns) {
      for (const l of note.lines) {
        const i = lineKey
          ? lines.findIndex((x) => String((x as Record<string, unknown>)?.[lineKey]) === l.key)
          : -1;
        if (i >= 0) {
          put(
            `${linesPath}/${i}/${roles.lineLabel ?? lineKey}`,
            'returned',
            t('task.returnedLine', { c: l.comment ?? '' }),
          );
        }
      }
    }
    if (compareRound && !review) {
      const prevLines = findLines(compareRound.data).lines;
      for (const d of diffLines(prevLines, lines, { commonOnly: true })) {
        if (d.status !== 'changed') continue;
        for (const p of d.changed) {
          const before = p
            .split('/')
            .slice(1)
            .reduce<unknown>((n, k) => (n as Record<string, unknown>)?.[k], d.before);
          put(
            `${linesPath}/${d.index}${p}`,
            'changed',
            `${t('diff.before')}：${cellText(undefined, before, lang) || '—'}`,
          );
        }
      }
    }
    // The form's rules, run live with the server's facts: their problems show on the cells.
    for (const e of checkSubmission(def, deferred, task.facts)) {
      if (e.code?.startsWith('rule.') && e.path) put(e.path, 'rule', e.message);
    }
    // Same marks as before → same object, so the form's props do not change on every keystroke.
    const sig = JSON.stringify([...m].map(([k, v]) => [k, [...v]]));
    if (sig === marksRef.current.sig) return marksRef.current.marks;
    marksRef.current = { sig, marks: m };
    return m;
  }, [deferred, compareRound, lang]);

  const formContext = useMemo<LinesContext>(
    () => ({ lang, marks, focusLine, layouts, pageSize: 10 }),
    [lang, marks, focusLine, layouts],
  );
  const errorTree = useMemo(
    () => errorsToTree(serverErrors.length ? serverErrors : clientErrors),
    [serverErrors, clientErrors],
  );
  const validator = useMemo(() => sharedValidator(def, task.facts), [def, task.facts]);

  // Autosave: a local copy at once (survives a sign-in redirect), the server draft after a pause.
  // biome-ignore lint/correctness/useExhaustiveDependencies: saves when the data snapshot changes, reading the latest from the ref
  useEffect(() => {
    if (readOnly || !changedOnce.current) return;
    const local = setTimeout(() => {
      localStorage.setItem(
        bKey,
        JSON.stringify({ data: dataRef.current, at: Date.now() } satisfies LocalBackup),
      );
    }, 300);
    const remote = setTimeout(async () => {
      setDraft({ kind: 'saving' });
      try {
        await request(api, `/tasks/${encodeURIComponent(task.id)}/draft`, {
          method: 'PUT',
          body: { data: dataRef.current },
        });
        setDraft({ kind: 'saved', at: new Date().toISOString() });
      } catch (e) {
        // A 409 means the task was completed elsewhere: stop saving drafts for it.
        setDraft(e instanceof ApiError && e.status === 409 ? { kind: 'idle' } : { kind: 'failed' });
      }
    }, 1500);
    return () => {
      clearTimeout(local);
      clearTimeout(remote);
    };
  }, [data]);

  const onChange = useCallback((next: unknown, changed?: string) => {
    changedOnce.current = true;
    dataRef.current = next;
    clearTimeout(syncTimer.current);
    syncTimer.current = setTimeout(() => setData(dataRef.current), 250);
    if (changed !== undefined) {
      // An edited field's errors are answered by the edit; the others stay until the next check.
      setServerErrors((errs) => (errs.length ? dropErrorsAt(errs, changed) : errs));
      setClientErrors((errs) => (errs.length ? dropErrorsAt(errs, changed) : errs));
    }
  }, []);

  const showLineOf = (errs: FieldError[]) => {
    for (const tp of tables) {
      const base = parsePointer(tp.replace(/\*/g, '0'));
      const hit = errs.find((e) => {
        const s = parsePointer(e.path);
        return s.length > base.length && base.every((b, i) => s[i] === b);
      });
      if (hit) {
        const idx = Number(parsePointer(hit.path)[base.length]);
        setFocusLine({ path: tp, index: idx, nonce: Date.now() });
        return;
      }
    }
  };

  const focusFirstError = () => {
    requestAnimationFrame(() => {
      const el = document.querySelector<HTMLElement>(
        '.ant-form-item-has-error input, .ant-form-item-has-error textarea, .ant-form-item-has-error .ant-select-selector, .ant-form-item-has-error .ant-radio-input',
      );
      el?.focus();
    });
  };

  const submit = async (outcome: string) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setSubmitting(outcome);
    setNotice(null);
    try {
      // Let the form hand over a change still on its way (a click right after typing) before reading it.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const current = dataRef.current;
      // Same checks and messages as the server (forms/roles, forms/validate), shown on the fields.
      setServerErrors([]);
      const conflict = decisionProblems(def, outcome, current);
      if (conflict.length) {
        setClientErrors(conflict);
        const key =
          conflict[0].code === 'decision.approveWithReturns'
            ? 'task.approveWithReturns'
            : 'task.returnWithoutLines';
        setNotice({ type: 'warning', text: t(key) });
        return;
      }
      const errs = checkSubmission(def, current, task.facts);
      if (errs.length) {
        setClientErrors(errs);
        setNotice({ type: 'error', text: t('task.fixErrors', { n: errs.length }) });
        showLineOf(errs);
        focusFirstError();
        return;
      }
      setClientErrors([]);
      const body: Record<string, unknown> = { outcome, data: current };
      const c = hasCommentField ? commentOf(def, current) : comment.trim();
      if (c) body.comment = c;
      const key = keys.current.keyFor(body);
      await request(api, `/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST',
        body,
        headers: { 'Idempotency-Key': key },
      });
      keys.current.settle();
      localStorage.removeItem(bKey);
      setServerErrors([]);
      message.success(t('task.submitted'));
      await qc.invalidateQueries({ queryKey: ['tasks'] });
      qc.removeQueries({ queryKey: ['task', county, task.id] });
      navigate({ name: 'inbox' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && e.errors?.length) {
        keys.current.settle();
        setServerErrors(e.errors);
        setNotice({ type: 'error', text: `${t('task.serverErrors', { n: e.errors.length })}` });
        showLineOf(e.errors);
        focusFirstError();
      } else if (e instanceof ApiError && e.status === 409) {
        keys.current.settle();
        localStorage.removeItem(bKey);
        setNotice({ type: 'warning', text: t('task.conflict') });
        void qc.invalidateQueries({ queryKey: ['task', county, task.id] });
      } else if (e instanceof NetworkError || (e instanceof ApiError && e.status >= 500)) {
        // The key stays: pressing submit again repeats this attempt, and the server answers it once.
        setNotice({ type: 'error', text: t('task.retry') });
      } else {
        keys.current.settle();
        setNotice({ type: 'error', text: e instanceof ApiError ? e.message : String(e) });
      }
    } finally {
      inFlight.current = false;
      setSubmitting(null);
    }
  };

  useEffect(() => () => clearTimeout(syncTimer.current), []);

  // Printing shows every line (the screen shows a page at a time).
  useEffect(() => {
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  const over = isOverdue(task.dueAt, new Date(), task.status);
  const title = localized(task.title, lang) || localizedForm.title || form.id;
  const allErrors = serverErrors.length ? serverErrors : clientErrors;
  const fullLines = findLines(data);

  return (
    <div className="task-page">
      <Card className="task-head">
        <Space direction="vertical" size={4} style={{ width: '100%' }}>
          <Space className="no-print" size={12} wrap>
            <a href={href({ name: 'inbox' })}>← {t('task.back')}</a>
          </Space>
          <Space align="center" wrap style={{ justifyContent: 'space-between', width: '100%' }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {title}
            </Typography.Title>
            <Space className="no-print">
              <Button
                onClick={() => {
                  flushSync(() => setPrinting(true));
                  window.print();
                }}
              >
                {t('task.print')}
              </Button>
            </Space>
          </Space>
          <Descriptions size="small" column={{ xs: 1, sm: 2, md: 5 }}>
            <Descriptions.Item label={t('inbox.county')}>
              {countyName(task.county, task.countyName)}
            </Descriptions.Item>
            <Descriptions.Item label={t('inbox.year')}>{task.year}</Descriptions.Item>
            {isKnownOrg(assignedOrg(task)) && (
              <Descriptions.Item label={t('task.assignedOrg')}>
                {orgName(assignedOrg(task), lang)}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('inbox.step')}>
              <Tag color="blue">{localized(task.title, lang) || task.step}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('inbox.due')}>
              <span className={over ? 'overdue' : undefined}>{formatDate(task.dueAt)}</span>
              {over && (
                <Tag color="red" style={{ marginLeft: 8 }}>
                  {t('inbox.overdue')}
                </Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('rounds.status')}>
              <Tag color={done ? 'default' : 'green'}>
                {t(done ? 'task.status.done' : 'task.status.open')}
              </Tag>
            </Descriptions.Item>
          </Descriptions>
        </Space>
      </Card>

      {readOnly && (
        <Alert
          type="info"
          showIcon
          title={t(done ? 'task.readOnly' : 'task.noPermission')}
          className="no-print"
          style={{ margin: '12px 0' }}
        />
      )}
      {!done && returns.length > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ margin: '12px 0' }}
          title={t('task.returnedComments')}
          data-testid="return-notes"
          description={
            <ul className="comment-list">
              {returns.map((n) => (
                <li key={`${n.step}:${n.at}:${n.org}`}>
                  <Typography.Text strong>{n.stepTitle || n.step}</Typography.Text>{' '}
                  <Typography.Text type="secondary">
                    {[isKnownOrg(n.org) ? orgName(n.org, lang) : '', n.by?.name, formatDateTime(n.at)]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography.Text>
                  {n.comment && <div>{n.comment}</div>}
                  {n.lines.length > 0 && (
                    <ul>
                      {n.lines.map((l) => (
                        <li key={l.key}>
                          {l.label && l.label !== l.key ? `${l.label}（${l.key}）` : l.key}：{l.comment}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
          }
        />
      )}

      {rounds.length > 0 && (fullLines.lines.length > 0 || review) && (
        <ComparePanel
          rounds={rounds}
          initial={compareRound && !review ? rounds.indexOf(compareRound) : 0}
          lineKey={lineKey}
          current={fullLines.lines}
          cols={cols}
          lang={lang}
          review={review}
        />
      )}

      <Card className="task-form-card" style={{ marginTop: 12 }}>
        {printing ? (
          <PrintLines schema={schema} uiSchema={uiSchema} data={dataRef.current} lang={lang} />
        ) : (
          <FormWithLines
            schema={schema}
            uiSchema={uiSchema}
            data={dataRef.current}
            dataKey={dataKey}
            validator={validator}
            context={formContext}
            errors={errorTree}
            readOnly={readOnly}
            onChange={onChange}
          />
        )}
      </Card>

      {!readOnly && (
        <Card className="task-actions no-print" style={{ marginTop: 12 }}>
          {!hasCommentField && outcomes.some((o) => o !== 'submit') && (
            <div style={{ marginBottom: 12 }}>
              <label htmlFor="task-comment" className="field-label">
                {t('task.comment')}
              </label>
              <Input.TextArea
                id="task-comment"
                rows={2}
                maxLength={2000}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
            </div>
          )}
          {notice && (
            <Alert
              type={notice.type}
              showIcon
              title={notice.text}
              role="alert"
              style={{ marginBottom: 12 }}
              description={
                allErrors.length > 0 && notice.type === 'error' ? (
                  <ul className="error-summary">
                    {allErrors.slice(0, 8).map((e) => (
                      <li key={`${e.path}:${e.message}`}>{e.message}</li>
                    ))}
                    {allErrors.length > 8 && <li>…</li>}
                  </ul>
                ) : undefined
              }
            />
          )}
          <Space wrap>
            {outcomes.map((o) => (
              <Button
                key={o}
                type={o === 'return' || o === 'reject' ? 'default' : 'primary'}
                danger={o === 'return' || o === 'reject'}
                size="large"
                loading={submitting === o}
                disabled={submitting !== null}
                onClick={() => void submit(o)}
                data-outcome={o}
              >
                {t(OUTCOME_LABEL[o] ?? 'task.submit')}
              </Button>
            ))}
            {review && (
              <Button
                disabled={submitting !== null}
                onClick={() => {
                  const next = approveUndecided(def, dataRef.current);
                  changedOnce.current = true;
                  dataRef.current = next;
                  setData(next);
                  setDataKey((k) => k + 1);
                }}
              >
                {t('task.approveRest')}
              </Button>
            )}
            <Typography.Text
              type={draft.kind === 'failed' ? 'danger' : 'secondary'}
              aria-live="polite"
              data-testid="draft-status"
            >
              {draft.kind === 'saving' && t('task.draftSaving')}
              {draft.kind === 'saved' && t('task.draftSaved', { time: formatDateTime(draft.at).slice(11) })}
              {draft.kind === 'failed' && t('task.draftFailed')}
            </Typography.Text>
          </Space>
          {session?.user.name && <span className="sr-only">{session.user.name}</span>}
        </Card>
      )}
    </div>
  );
}
