/**
 * Who holds a lease or a lock: 'host:pid:token'. A holder on this host whose process no longer
 * exists (killed with SIGKILL, crashed) has left its claim behind, and may be replaced at once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A fresh identity for this process's claims: unique even when a pid is reused. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
}

/** The pid of an owner id, when it names a process of this host. */
export function localPidOf(owner: string): number | undefined {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  return host === hostname() && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True when the owner is a process of this host that has exited. Other hosts' owners are never judged gone. */
export function ownerIsGone(owner: string): boolean {
  const pid = localPidOf(owner);
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
