// Knows which documents belong to which service folder, and what each service folder holds on
// disk (its resolver files). Reads the file system; the features in service/ never do.
import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { resolverOf, RESOLVERS_DIR, SERVICE_MANIFEST } from '../../core/src/service-folder/paths';
import { loadServiceFolder, readResolvers, ServiceFolder } from '../../servicefs/src/folder';

export type { ServiceFolder } from '../../servicefs/src/folder';

export class Workspace {
  private readonly rootsByDir = new Map<string, string | null>();
  private readonly services = new Map<string, ServiceFolder>();
  private readonly analyses = new Map<string, SchemaAnalysis>();

  /** The service folder a file belongs to: the nearest ancestor with codestore.yaml. */
  serviceOf(uri: string): ServiceFolder | undefined {
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return undefined;
    const root = this.findRoot(path.dirname(parsed.fsPath));
    if (!root) return undefined;
    let service = this.services.get(root);
    if (!service) {
      service = loadServiceFolder(root);
      this.services.set(root, service);
    }
    return service;
  }

  /** The analysis for a document, created with the prelude when the document is in a service. */
  analysisFor(uri: string): SchemaAnalysis {
    const inService = !!this.serviceOf(uri);
    let analysis = this.analyses.get(uri);
    if (!analysis || analysis.options.prelude !== inService) {
      analysis = new SchemaAnalysis({ prelude: inService });
      this.analyses.set(uri, analysis);
    }
    return analysis;
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
  }

  /** A file changed on disk: returns the service folders whose state changed. */
  fileChanged(uri: string): ServiceFolder[] {
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return [];
    const file = parsed.fsPath;
    if (path.basename(file) === SERVICE_MANIFEST) {
      // A manifest appeared or went away: folder membership may change everywhere below it.
      this.rootsByDir.clear();
      this.services.clear();
      const s = this.serviceOf(uri);
      return s ? [s] : [...this.servicesOf()];
    }
    const changed: ServiceFolder[] = [];
    for (const service of this.services.values()) {
      const rel = path.relative(service.root, file).split(path.sep).join('/');
      if (rel.startsWith('..')) continue;
      if (resolverOf(rel) || rel === RESOLVERS_DIR || rel.startsWith(RESOLVERS_DIR + '/')) {
        service.resolvers = readResolvers(service.root);
        changed.push(service);
      }
    }
    return changed;
  }

  servicesOf(): IterableIterator<ServiceFolder> {
    return this.services.values();
  }

  private findRoot(dir: string): string | undefined {
    const visited: string[] = [];
    let current = dir;
    let found: string | null | undefined;
    for (;;) {
      const cached = this.rootsByDir.get(current);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      visited.push(current);
      if (fs.existsSync(path.join(current, SERVICE_MANIFEST))) {
        found = current;
        break;
      }
      const parent = path.dirname(current);
      if (parent === current) {
        found = null;
        break;
      }
      current = parent;
    }
    for (const v of visited) this.rootsByDir.set(v, found);
    return found ?? undefined;
  }
}
