/** Process helpers for the twin's lock and child processes. */
import { readFileSync } from 'node:fs';

/**
 * True while `pid` is a running process. A zombie (killed, not yet reaped: common in containers
 * whose init does not reap orphans) counts as gone, since it holds no ports or files.
 */
export function isRunning(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // `/proc/<pid>/stat`: "pid (comm) S ..."; comm may contain spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (macOS): trust kill(0).
    return true;
  }
}
