// A project as clients name it: the fields of a new project (checked here, without I/O) and its
// public face.
import type { FieldError } from '../domain/errors.ts';
import { PROJECT_KEY, PROJECT_SLUG } from '../domain/report.ts';
import type { ProjectRow } from '../storage/schema.ts';

export interface ProjectInput {
  slug?: unknown;
  name?: unknown;
  key?: unknown;
  description?: unknown;
  /** Slug of the umbrella project this one is a component of. */
  parent?: unknown;
}

export interface PublicProject {
  slug: string;
  name: string;
  key: string;
  description: string;
}

export function presentProject(p: Pick<ProjectRow, 'slug' | 'name' | 'key' | 'description'>): PublicProject {
  return { slug: p.slug, name: p.name, key: p.key, description: p.description };
}

/** Derives a case-key prefix from a slug: "kustomize-controller" → "KUSTOMIZE". */
export function defaultKey(slug: string): string {
  const k = slug
    .replace(/[^a-z0-9]/gi, '')
    .toUpperCase()
    .slice(0, 10);
  return /^[A-Z]/.test(k) ? k : `P${k}`.slice(0, 10);
}

/** The plain fields of a new project; the umbrella (`parent`) is looked up by the service. */
export function parseProjectFields(input: ProjectInput) {
  const errors: FieldError[] = [];
  const slug = typeof input.slug === 'string' ? input.slug.trim().toLowerCase() : '';
  if (!PROJECT_SLUG.test(slug))
    errors.push({ field: 'slug', message: 'Use lower-case letters, digits and dashes (at most 64).' });
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 200)
    errors.push({ field: 'name', message: 'Enter a name (at most 200 characters).' });
  const rawKey =
    typeof input.key === 'string' && input.key.trim() ? input.key.trim().toUpperCase() : defaultKey(slug);
  if (!PROJECT_KEY.test(rawKey))
    errors.push({
      field: 'key',
      message: 'A key is 2–16 capital letters or digits, starting with a letter.',
    });
  const description = typeof input.description === 'string' ? input.description.trim() : '';
  if (description.length > 5000) errors.push({ field: 'description', message: 'At most 5,000 characters.' });
  return { slug, name, rawKey, description, errors };
}
