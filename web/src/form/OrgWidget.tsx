import type { WidgetProps } from '@rjsf/utils';
import { Input } from 'antd';
import { orgName } from '../lib/orgs';
import type { LinesContext } from './templates';

/** A read-only org field (a line's lead department) shown by the org's name in the page language. */
export function OrgWidget({ id, value, registry }: WidgetProps) {
  const lang = ((registry.formContext ?? {}) as Partial<LinesContext>).lang ?? 'zh';
  const text = orgName(typeof value === 'string' ? value : '', lang);
  // Disabled as well as read-only: it looks like the form's other read-only fields (rjsf's antd
  // inputs show read-only as disabled).
  return (
    <Input id={id} value={text} title={typeof value === 'string' ? value : undefined} readOnly disabled />
  );
}
