// The instance's publishing identity as the format writers (OSV, CSAF, CVE) take it.
import type { PublisherSettings } from '../../domain/advisory/advisory-export.types.ts';
import { advisorySettings, type ServiceDeps } from '../deps.ts';

export function publisherSettings(deps: Pick<ServiceDeps, 'advisories' | 'publicUrl'>): PublisherSettings {
  const s = advisorySettings(deps);
  return {
    publicUrl: deps.publicUrl.toString(),
    publisherName: s.publisherName,
    publisherNamespace: deps.publicUrl.origin,
    osvPrefixRegistered: s.osvPrefixRegistered,
  };
}
