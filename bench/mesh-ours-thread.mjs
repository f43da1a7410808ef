// Node worker_threads bootstrap: registers tsx in this thread, then runs the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./mesh-ours-thread.ts');
