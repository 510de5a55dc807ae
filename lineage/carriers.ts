// readLineage: the I/O edge that reads every lineage carrier of an app and hands them to the pure merge.
import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readParameters, readPluginEnv, readStrict } from './carrier-env.js';
import { parseLineageFile } from './file.js';
import { lineageFileCandidates, readTextIfExists } from './file-io.js';
import { firstLine, runGit } from './git.js';
import type { LineageField, LineageReadResult } from './record.js';
import { resolveLineage, type CarrierReading, type CarrierValue } from './resolve.js';
import { parseTrailers } from './trailers.js';

export { LineageError } from './errors.js';

/** The file-system edge of lineage reading, injectable so a server can read an archive it never unpacked. */
export interface LineageFiles {
  /** The text of a file, or undefined when it does not exist (see readTextIfExists for the size cap). */
  readTextIfExists(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
}

export const nodeLineageFiles: LineageFiles = {
  readTextIfExists: (path) => readTextIfExists(path),
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};

async function readLineageFileCarrier(appDir: string, repoRoot: string, files: LineageFiles): Promise<CarrierReading> {
  const reading: CarrierReading = { source: 'lineage-file', values: {}, problems: [], notices: [] };
  for (const path of lineageFileCandidates(appDir, repoRoot)) {
    const shown = relative(repoRoot, path) || path;
    let text: string | undefined;
    try {
      text = await files.readTextIfExists(path);
    } catch (err) {
      reading.problems.push(`lineage file ${shown}: cannot be read: ${(err as Error).message}`);
      return reading;
    }
    if (text === undefined) continue;
    // The nearest file is the app's lineage; a broken one is reported, not silently replaced by one further up.
    const parsed = parseLineageFile(text);
    if (!parsed.ok) {
      reading.problems.push(`lineage file ${shown}: ${parsed.problem}`);
      return reading;
    }
    reading.problems.push(...parsed.value.problems.map((p) => `lineage file ${shown}: ${p}`));
    for (const key of Object.keys(parsed.value.extra)) reading.notices.push(`lineage file ${shown}: unknown key "${key}" ignored`);
    for (const [field, value] of Object.entries(parsed.value.values) as Array<[LineageField, string]>) {
      reading.values[field] = { value, origin: `lineage file ${shown} key "${field}"` } satisfies CarrierValue;
    }
    return reading;
  }
  return reading;
}

/** True when `file` (a repo-relative path from git) is inside `appRel` ('' = the repository root). */
const isUnder = (file: string, appRel: string): boolean => appRel === '' || file === appRel || file.startsWith(`${appRel}/`);

async function readTrailerCarrier(appDir: string, repoRoot: string, repoFiles: LineageFiles): Promise<CarrierReading> {
  const reading: CarrierReading = { source: 'commit-trailers', values: {}, problems: [], notices: [] };
  // Trailers need a real checkout for git; injected files that hold a `.git` must not be used (see cmp-plugin/server).
  if (!(await repoFiles.exists(join(repoRoot, '.git')))) return reading;
  const args = ['log', '-1', '--no-show-signature', '--no-renames', '--name-only', '--format=%h%x00%(trailers:only,unfold)%x00', 'HEAD'];
  // Only strict mode may fail a generation; a git that cannot even start (EACCES, EMFILE) is a notice.
  const result = await runGit(repoRoot, args, { config: ['core.quotePath=false'] }).catch((err: Error) => err);
  if (result instanceof Error) {
    reading.notices.push(`commit trailers were not read: git could not run: ${result.message}`);
    return reading;
  }
  if (result.kind === 'missing') {
    reading.notices.push('git is not installed: commit trailers were not read');
    return reading;
  }
  if (result.code !== 0) {
    reading.notices.push(`commit trailers were not read: git log failed: ${firstLine(result.stderr) || `exit ${result.code}`}`);
    return reading;
  }
  const [hash = '', trailers = '', names = ''] = result.stdout.split('\0');
  // In a monorepo HEAD may be another app's stamp: its trailers describe that app, not this one.
  // An empty commit (or a merge) names no files and is taken as meant for every app.
  const appRel = relative(repoRoot, appDir).split(sep).join('/');
  const files = names.split('\n').filter((f) => f !== '');
  if (files.length > 0 && !files.some((f) => isUnder(f, appRel))) {
    if (trailers.trim() !== '') {
      reading.notices.push(`commit ${hash} trailers ignored: the commit changes no file under ${appRel}, so they describe another app`);
    }
    return reading;
  }
  const parsed = parseTrailers(trailers, `commit ${hash}`);
  reading.values = parsed.values;
  reading.notices.push(...parsed.notices);
  return reading;
}

/**
 * Reads the lineage of an app from, in precedence order: the Application's plugin env, the plugin parameters,
 * the lineage file, and the trailers of the HEAD commit (unless HEAD only changed files outside the app).
 * Invalid values are skipped with a warning, or throw LineageError when `strict` is set. See README.md.
 */
export async function readLineage(
  input: {
    appDir: string;
    repoRoot?: string;
    env: Readonly<Record<string, string | undefined>>;
  },
  files: LineageFiles = nodeLineageFiles,
): Promise<LineageReadResult> {
  const appDir = resolve(input.appDir);
  const repoRoot = resolve(input.repoRoot ?? appDir);
  const strict = readStrict(input.env);
  const [file, trailers] = await Promise.all([
    readLineageFileCarrier(appDir, repoRoot, files),
    readTrailerCarrier(appDir, repoRoot, files),
  ]);
  const carriers = [readPluginEnv(input.env), readParameters(input.env), file, trailers];
  if (strict.notice) carriers[0]?.notices.unshift(strict.notice);
  return resolveLineage(carriers, strict.strict);
}
