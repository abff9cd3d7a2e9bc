import { projectPath } from '../../src/util/project-root.js';

/** The committed fixtures (scripts/write-dataset-fixtures.ts writes them). */
export const FIXTURES = projectPath('test', 'datasets', 'fixtures');
export const fixture = (...parts: string[]) => projectPath('test', 'datasets', 'fixtures', ...parts);
