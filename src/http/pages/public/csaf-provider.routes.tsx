// The CSAF 2.0 provider (§7.1): provider-metadata.json at its well-known place, and the TLP:WHITE
// directory with a folder per year, index.txt, changes.csv, each document and its .sha256 file, and
// plain directory listings (requirement 14) so tools that crawl the tree find everything.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../domain/errors.ts';
import { sha256File } from '../../../integrations/csaf/csaf-provider.ts';
import { sendPage } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { jsonText, PUBLIC_CACHE, sendJsonText, sendPublicText } from './public-responses.ts';

type FileReq = FastifyRequest<{ Params: { year: string; file: string } }>;
type YearReq = FastifyRequest<{ Params: { year: string } }>;

const WHITE = '/.well-known/csaf/white';
const YEAR = /^[0-9]{4}$/;
// The filename rule of CSAF 2.0 §5.1, with the hash file's suffix.
const FILE = /^[+\-a-z0-9_]+\.json(\.sha256)?$/;

function notFound(): never {
  throw new NotFoundError('No such CSAF document.');
}

function Listing(props: { title: string; entries: string[]; parent: boolean }) {
  return (
    <Layout ctx={{ user: null, csrf: '' }} title={props.title}>
      <h1>{props.title}</h1>
      <ul class="plain">
        {props.parent ? (
          <li>
            <a href="../">../</a>
          </li>
        ) : null}
        {props.entries.map((e) => (
          <li key={e}>
            <a href={e}>{e}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

export async function csafProviderRoutes(app: FastifyInstance) {
  const { services } = app.parley;
  const exportService = services.advisoryExport;

  app.get('/.well-known/csaf/provider-metadata.json', async (_request, reply) =>
    sendJsonText(reply, jsonText(await exportService.csafProviderMetadata())),
  );

  app.get(`${WHITE}/index.txt`, async (_request, reply) =>
    sendPublicText(reply, 'text/plain; charset=utf-8', (await exportService.csafIndex()).indexTxt),
  );

  app.get(`${WHITE}/changes.csv`, async (_request, reply) =>
    sendPublicText(reply, 'text/csv; charset=utf-8', (await exportService.csafIndex()).changesCsv),
  );

  app.get(`${WHITE}/:year/:file`, async (request: FileReq, reply) => {
    const { year, file } = request.params;
    if (!YEAR.test(year) || !FILE.test(file)) notFound();
    const hash = file.endsWith('.sha256');
    const name = hash ? file.slice(0, -'.sha256'.length) : file;
    // One serialisation for the document and its hash file, so the hash is of the bytes served.
    const text = jsonText(await exportService.csafByPath(`${year}/${name}`));
    if (hash) return sendPublicText(reply, 'text/plain; charset=utf-8', sha256File(text, name));
    return sendJsonText(reply, text);
  });

  // Directory listings: the years, then each year's documents and hash files.
  const paths = async () =>
    (await exportService.csafIndex()).indexTxt
      .split('\n')
      .filter(Boolean)
      .map((p) => p.split('/') as [string, string]);

  app.get(`${WHITE}/`, async (_request, reply) => {
    const years = [...new Set((await paths()).map(([y]) => `${y}/`))];
    const entries = ['index.txt', 'changes.csv', ...years];
    reply.header('cache-control', PUBLIC_CACHE);
    return sendPage(reply, <Listing title="CSAF documents (TLP:WHITE)" entries={entries} parent={false} />);
  });

  app.get(`${WHITE}/:year/`, async (request: YearReq, reply) => {
    const { year } = request.params;
    if (!YEAR.test(year)) notFound();
    const files = (await paths()).filter(([y]) => y === year).flatMap(([, f]) => [f, `${f}.sha256`]);
    if (!files.length) notFound();
    reply.header('cache-control', PUBLIC_CACHE);
    return sendPage(reply, <Listing title={`CSAF documents of ${year}`} entries={files} parent />);
  });
}
