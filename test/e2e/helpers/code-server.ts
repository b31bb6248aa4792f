/**
 * A real VS Code to test in: code-server (VS Code served to a browser) from the npm registry,
 * run with Node 24 in its own process group, on a free loopback port, with throwaway user-data
 * and extensions folders. code-server leaves children (file watcher, extension host, ...)
 * running after its main process exits (ENVIRONMENT.md), so disposing kills the whole group.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { E2eTools } from './e2e-tools';

export interface CodeServerOptions {
  readonly tools: E2eTools;
  /** Holds user-data/, extensions/ and code-server's own config; created if missing. */
  readonly stateDir: string;
  /** The folder the workbench opens. */
  readonly workspace: string;
  /** Written to the user's settings.json before start. */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** code-server's stdout and stderr are appended here (read it when a test fails). */
  readonly logFile: string;
}

/** A port the kernel just handed out on 127.0.0.1; free unless something grabs it meanwhile. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port assigned'))));
    });
  });
}

export class CodeServer implements AsyncDisposable {
  readonly userDataDir: string;
  readonly extensionsDir: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private port = 0;

  constructor(private readonly options: CodeServerOptions) {
    this.userDataDir = path.join(options.stateDir, 'user-data');
    this.extensionsDir = path.join(options.stateDir, 'extensions');
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    if (options.userSettings) this.writeUserSettings(options.userSettings);
  }

  /** The workbench's address with the workspace folder open. */
  get url(): string {
    if (!this.port) throw new Error('code-server is not started');
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.options.workspace)}`;
  }

  /** settings.json of the user profile; the workbench picks changes up live. */
  writeUserSettings(settings: Readonly<Record<string, unknown>>): void {
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  }

  /** Installs a .vsix the way a user does (`code-server --install-extension`); before start(). */
  installExtension(vsix: string): void {
    const run = spawnSync(this.options.tools.node, [this.options.tools.codeServer, ...this.dirArgs(), '--install-extension', vsix], {
      env: this.env(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    fs.appendFileSync(this.options.logFile, `--- install-extension ${vsix}\n${run.stdout}${run.stderr}`);
    if (run.status !== 0 || !/successfully installed/i.test(run.stdout + run.stderr)) {
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
    }
  }

  /** Starts the server and resolves once it listens. */
  async start(): Promise<void> {
    if (this.child) throw new Error('code-server already started');
    this.port = await freePort();
    const args = [
      this.options.tools.codeServer,
      '--bind-addr', `127.0.0.1:${this.port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...this.dirArgs(),
      this.options.workspace,
    ];
    const log = fs.openSync(this.options.logFile, 'a');
    const child = spawn(this.options.tools.node, args, { env: this.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        fs.writeSync(log, chunk);
        output += chunk.toString();
        if (/HTTP server listening on/.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output}`)));
      setTimeout(() => reject(new Error(`code-server did not listen within 60 s; its output:\n${output}`)), 60_000).unref();
    });
    void this.exited.then(() => fs.closeSync(log));
    await listening;
  }

  /** Kills code-server's whole process group: SIGTERM, then SIGKILL after a grace period. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = undefined;
    const group = -child.pid;
    signalGroup(group, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (groupAlive(group) && Date.now() < deadline) await sleep(100);
    if (groupAlive(group)) signalGroup(group, 'SIGKILL');
    await this.exited;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private dirArgs(): string[] {
    return ['--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
  }

  /** Node 24 first on PATH (code-server's children run `node`); config kept out of the real home. */
  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${path.dirname(this.options.tools.node)}${path.delimiter}${process.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: path.join(this.options.stateDir, 'config'),
      XDG_DATA_HOME: path.join(this.options.stateDir, 'data'),
    };
    // The test runner's loader flags (tsx) must not leak into VS Code's Node processes.
    delete env.NODE_OPTIONS;
    delete env.ELECTRON_RUN_AS_NODE;
    return env;
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
