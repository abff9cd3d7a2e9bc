import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Why the Redis tests cannot run here, or undefined when `redis-server` is installed. */
export function redisUnavailable(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A real redis-server on a free loopback port, its files in `dir`; stop() ends it. */
export class RedisServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(dir: string): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), dir);
    await server.restart();
    return server;
  }

  /** Starts it (again, on the same port; no persistence, so a restart comes back empty). */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
    for (let waited = 0; !output.includes('Ready to accept connections'); waited += 50) {
      if (child.exitCode !== null || waited > 10_000) throw new Error(`redis-server did not start on port ${this.port}: ${output}`);
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
