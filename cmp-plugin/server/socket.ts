// Where the repo-server looks for us: <dir>/<name>-<version>.sock (or <name>.sock without a version), dir from
// ARGOCD_PLUGINSOCKFILEPATH as on the repo-server side.
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_PLUGIN_SOCKET_DIR = '/home/argocd/cmp-server/plugins';

export function pluginSocketPath(env: Readonly<Record<string, string | undefined>>, name: string, version: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`plugin name ${JSON.stringify(name)} is not a valid socket name`);
  if (version !== '' && !/^[A-Za-z0-9._-]+$/.test(version)) throw new Error(`plugin version ${JSON.stringify(version)} is not valid`);
  const dir = env['ARGOCD_PLUGINSOCKFILEPATH'] || DEFAULT_PLUGIN_SOCKET_DIR;
  return join(dir, version === '' ? `${name}.sock` : `${name}-${version}.sock`);
}

/** Removes a stale socket left by a crashed run; refuses to delete anything that is not a socket. */
export async function prepareSocketPath(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  await rm(path, { force: true });
}
