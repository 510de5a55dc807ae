// Recursive listing used to prove a request wrote nothing outside its workdir.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function snapshot(root: string, ignore: (path: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      if (ignore(path)) continue;
      const st = await lstat(path);
      out.push(`${path} ${st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : st.isSocket() ? 'sock' : 'file'} ${st.isDirectory() ? 0 : st.size}`);
      if (st.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out;
}
