// Form fields that show their error next to them and keep what the user typed, so a failed
// submission never loses a report. Labels and error texts are tied to inputs for screen readers.
import type { FieldError } from '../../../domain/errors.ts';

export type Values = Record<string, string | undefined>;

export function errorFor(errors: FieldError[] | undefined, name: string): string | undefined {
  return errors?.find((e) => e.field === name)?.message;
}

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  values?: Values;
  errors?: FieldError[] | undefined;
  required?: boolean;
  maxLength?: number;
}

function Described(props: { name: string; hint?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {props.hint ? (
        <span class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <p class="field-error" id={`${props.name}-error`}>
          {props.error}
        </p>
      ) : null}
    </>
  );
}

function describedBy(p: FieldProps, error: string | undefined) {
  return (
    [p.hint ? `${p.name}-hint` : '', error ? `${p.name}-error` : ''].filter(Boolean).join(' ') || undefined
  );
}

export function TextField(p: FieldProps & { type?: 'text' | 'email' | 'password'; autocomplete?: string }) {
  const error = errorFor(p.errors, p.name);
  return (
    <div>
      <label for={p.name}>
        {p.label}
        {p.required ? null : <span class="hint">Optional</span>}
      </label>
      <input
        id={p.name}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.type === 'password' ? undefined : (p.values?.[p.name] ?? '')}
        required={p.required}
        maxLength={p.maxLength}
        autocomplete={p.autocomplete}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p, error)}
      />
      <Described name={p.name} hint={p.hint} error={error} />
    </div>
  );
}

export function TextArea(p: FieldProps & { rows?: number }) {
  const error = errorFor(p.errors, p.name);
  return (
    <div>
      <label for={p.name}>
        {p.label}
        {p.required ? null : <span class="hint">Optional</span>}
      </label>
      <textarea
        id={p.name}
        name={p.name}
        rows={p.rows ?? 6}
        required={p.required}
        maxLength={p.maxLength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(p, error)}
      >
        {p.values?.[p.name] ?? ''}
      </textarea>
      <Described name={p.name} hint={p.hint} error={error} />
    </div>
  );
}

export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export function ErrorSummary(props: { errors?: FieldError[] | undefined; message?: string | undefined }) {
  if (!props.errors?.length && !props.message) return null;
  return (
    <div class="alert error" role="alert">
      <strong>{props.message ?? 'Please fix the fields marked below.'}</strong>
      {props.errors?.length ? (
        <ul>
          {props.errors.map((e) => (
            <li key={e.field}>
              <a href={`#${e.field}`}>{e.message}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Reads a urlencoded body into plain strings; a repeated field keeps its first value. */
export function formValues(body: unknown): Values {
  const out: Values = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}
