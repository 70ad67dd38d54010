// Bench child process: the flooding client of bench/flood.ts, in its own process so that its busy
// event loop does not delay the well-behaved reporters' timing in the parent. Takes FloodOptions over
// IPC, floods, answers with the FloodResult and exits.
import { flood, type FloodOptions } from './flood-load.ts';

process.once('message', (o: FloodOptions) => {
  void flood(o).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (e: unknown) => {
      console.error('flood worker failed:', e);
      process.exit(1);
    },
  );
});
process.send?.('ready');
