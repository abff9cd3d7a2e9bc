import { openDatabase } from '../../src/store/database.js';
import { listTubes } from '../../src/store/tubes.js';

/** Runs `read` on the database opened read-only, closing it afterwards. */
export function withStore<T>(db: string, read: (store: ReturnType<typeof openDatabase>) => T): T {
  const store = openDatabase(db, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** Names of every stored tube, by id. */
export function storedTubeNames(db: string): string[] {
  return withStore(db, (store) => listTubes(store).map((tube) => tube.name));
}
