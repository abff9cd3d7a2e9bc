import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectPath } from '../../src/util/project-root.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `hmmr` executable in a child process: the compiled one when the tests run
 * compiled (npm test), the TypeScript source through tsx when they run under tsx.
 */
export function cliInvocation(): string[] {
  const compiled = fileURLToPath(import.meta.url).includes('/dist/');
  return compiled ? [projectPath('dist', 'src', 'cli', 'main.js')] : ['--import', 'tsx', projectPath('src', 'cli', 'main.ts')];
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliInvocation(), ...args], {
      cwd: options.cwd ?? projectPath(),
      env: { ...process.env, HMMR_PLAIN_PROGRESS: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
