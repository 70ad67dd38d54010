// Wires the services over one set of dependencies.
import type { ServiceDeps } from './deps.ts';
import { AuthService } from './auth.service.ts';
import { ProjectService } from './project.service.ts';
import { CaseService } from './case.service.ts';

export interface Services {
  deps: ServiceDeps;
  auth: AuthService;
  projects: ProjectService;
  cases: CaseService;
}

export function createServices(deps: ServiceDeps): Services {
  const auth = new AuthService(deps);
  return { deps, auth, projects: new ProjectService(deps, auth), cases: new CaseService(deps) };
}
