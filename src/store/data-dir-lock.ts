// PGlite has no server to arbitrate, so two processes on one data directory would corrupt it. A lock left
// by a dead pid is taken over.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BssError } from '../errors.ts';

export interface DataDirLock {
  readonly path: string;
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(resolve(dataDir), 'bss.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return {
        path,
        release: async () => {
          await unlink(path).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new BssError(
          'DATA_DIR_LOCKED',
          `The data directory ${resolve(dataDir)} is in use by another BSS process (pid ${owner}). ` +
            'Stop it, or point BSS_DATA_DIR at another directory.',
          { status: 500 },
        );
      }
      await unlink(path).catch(() => {}); // stale: its owner is gone
    }
  }
  throw new BssError('DATA_DIR_LOCKED', `Could not lock ${path}`, { status: 500 });
}
