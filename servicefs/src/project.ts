// Makes a service folder a TypeScript project on disk: writes the package.json, tsconfig.json and
// .gitignore it lacks (never over a file that exists) and says what the existing ones lack.
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_FILES, ProjectFileLack, projectFileLacks, projectFiles } from '../../core/src/project/projectFiles';

export type { ProjectFileLack } from '../../core/src/project/projectFiles';

export interface ProjectFilesResult {
  /** The files written, relative to the folder. */
  written: string[];
  /** What the files that were there already lack. */
  lacks: ProjectFileLack[];
}

/**
 * Writes the project files `root` lacks, for a service named `name` (default: the folder's name),
 * and checks the others. A file that exists is never written, even one that appears meanwhile.
 */
export function ensureProjectFiles(root: string, name = path.basename(path.resolve(root))): ProjectFilesResult {
  const written: string[] = [];
  const lacks: ProjectFileLack[] = [];
  for (const file of projectFiles(name)) {
    const abs = path.join(root, file.path);
    try {
      fs.writeFileSync(abs, file.content, { flag: 'wx' });
      written.push(file.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      lacks.push(...projectFileLacks(file.path, fs.readFileSync(abs, 'utf8')));
    }
  }
  return { written, lacks };
}

/** What the existing project files of `root` lack, and which of them are missing; writes nothing. */
export function checkProjectFiles(root: string): { missing: string[]; lacks: ProjectFileLack[] } {
  const missing: string[] = [];
  const lacks: ProjectFileLack[] = [];
  for (const file of PROJECT_FILES) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      missing.push(file);
      continue;
    }
    lacks.push(...projectFileLacks(file, text));
  }
  return { missing, lacks };
}

/** One line for a lack: `tsconfig.json lacks "experimentalDecorators": ...`. */
export function formatLack(lack: ProjectFileLack): string {
  return `${lack.file} ${lack.message}`;
}
