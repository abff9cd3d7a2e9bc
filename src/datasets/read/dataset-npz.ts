/**
 * npz archives as the datasets ship them: plain numeric arrays, string arrays ('<U', '|S'), and
 * object arrays holding a pickled Python object (VideoPose3D's dict of subjects → actions → arrays,
 * saved with allow_pickle). Numeric entries go through util/npz, pickles through util/pickle.
 */
import { BadInputFileError } from '../../errors.js';
import { decodeNpyData, parseNpyHeader, readZipEntries } from '../../util/npz.js';
import { decodeStrings, parsePickle, type PyValue } from '../../util/pickle.js';
import { FieldReader, readInputBytes } from './fields.js';

export function readDatasetNpz(path: string): FieldReader {
  const entries = new Map<string, PyValue>();
  for (const [name, bytes] of readZipEntries(readInputBytes(path), path)) {
    if (!name.endsWith('.npy')) continue;
    const key = name.slice(0, -'.npy'.length);
    entries.set(key, parseEntry(bytes, `${path} (${name})`));
  }
  return new FieldReader(path, (key) => entries.get(key));
}

function parseEntry(bytes: Uint8Array, where: string): PyValue {
  const header = parseNpyHeader(bytes, where);
  const data = bytes.subarray(header.dataStart);
  if (header.descr === '|O') {
    const value = parsePickle(data, where);
    // np.save pickles the whole object array; a 0-d one (a saved dict) is its single item.
    if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'object-array') {
      return value.shape.length === 0 ? value.items[0] : value;
    }
    throw new BadInputFileError(where, 'object entry does not hold a pickled numpy object array');
  }
  const text = /^[<>|=]?([SU])(\d+)$/.exec(header.descr);
  if (text) return decodeStrings(text[1] as 'S' | 'U', Number(text[2]), header.shape, data);
  return decodeNpyData(header.descr, header.shape, header.fortranOrder, data, where);
}
