// Validation of API requests against their route schemas. Fastify's default Ajv coerces types and
// silently drops unknown properties everywhere, so a JSON body of {"body": 5} or {"sevrity": "high"}
// would be accepted as something the client did not send. JSON bodies are therefore checked exactly
// (no coercion, unknown properties refused); query strings and path parameters arrive as text and are
// still coerced to their declared types. Every error is reported at once so a client can fix them
// all; requests are bounded (body limit, URL length) and the error list is capped in problem.ts.
import { Ajv, type Options } from 'ajv';
import formatsPlugin from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS; under NodeNext its default import is the module object's type.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;

function createAjv(opts: Options): Ajv {
  const ajv = new Ajv({
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    addUsedSchema: false,
    ...opts,
  });
  addFormats(ajv);
  return ajv;
}

export function registerValidation(app: FastifyInstance) {
  const body = createAjv({ coerceTypes: false });
  const text = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? body : text;
    const id = (schema as { $id?: string }).$id;
    return (id && ajv.getSchema(id)) || ajv.compile(schema);
  });
}
