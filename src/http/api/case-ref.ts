// API routes name a case by its opaque id or by its key (CONURE-12); both resolve the same way.
import { parseCaseKey } from '../../domain/report.ts';

export function caseRef(idOrKey: string): { id?: string; key?: string } {
  return parseCaseKey(idOrKey) ? { key: idOrKey } : { id: idOrKey };
}
