/**
 * Compressing a checkpoint from a real VS Code (issue 5): code-server with the packaged .vsix,
 * driven in headless Chromium. A workspace holds an exported ONNX MLP (written by Debian's
 * python3-onnx); "Tunekit: Compress Checkpoint…" from the command palette asks for the model
 * (the workspace's checkpoints), the method (Dynamic int8 on top, recommended) and the
 * verification inputs (generated, the default), runs the packaged CLI with its packaged
 * onnxruntime, and opens the report beside the editor: its summary shows the size before and
 * after and the charts are drawn, under the page's own CSP, without violations. The
 * compressed file is on disk beside the original, which is unchanged.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { missingPythonModules, runPythonJson } from '../helpers/debian-python';
import { REPO } from '../helpers/run-cli';
import { launchChromium } from './helpers/chromium';
import { CodeServer } from './helpers/code-server';
import { ensureE2eTools } from './helpers/e2e-tools';
import { killProcessesMentioning } from './helpers/stray-processes';
import { buildVsix } from './helpers/vsix';
import { LONG_WAIT_MS, Workbench } from './helpers/workbench';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
/** The report page marks its root (src/extension/compress/compress-report-html.ts). */
const REPORT_ROOT = 'main#report.tk-report';

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Compress Checkpoint in a real VS Code (code-server + headless Chromium)', { timeout: 900_000 }, () => {
  let skipReason: string | undefined = missingPythonModules('onnx', 'numpy');
  let root = '';
  let model = '';
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let wb: Workbench | undefined;
  const cspViolations: string[] = [];

  before(async () => {
    if (skipReason) return;
    const setup = await ensureE2eTools();
    if ('skip' in setup) {
      skipReason = setup.skip;
      return;
    }
    const vsix = await buildVsix();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-e2e-compress-'));
    const wsDir = path.join(root, 'workspace');
    model = path.join(wsDir, 'models', 'digits.onnx');
    fs.mkdirSync(path.dirname(model), { recursive: true });
    // The digits MLP's shape (64-128-64-10), as torch.onnx.export writes it: MatMul + Add + Relu, opset 13.
    runPythonJson(
      `import sys, json, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
rng = np.random.default_rng(0)
sizes = [64, 128, 64, 10]
nodes, inits, x = [], [], 'input'
for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
    inits += [numpy_helper.from_array((rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32), f'fc{i}.weight'),
              numpy_helper.from_array(np.zeros(b, np.float32), f'fc{i}.bias')]
    nodes += [helper.make_node('MatMul', [x, f'fc{i}.weight'], [f'm{i}']), helper.make_node('Add', [f'm{i}', f'fc{i}.bias'], [f'a{i}'])]
    x = f'a{i}'
    if i < len(sizes) - 2:
        nodes.append(helper.make_node('Relu', [x], [f'r{i}']))
        x = f'r{i}'
graph = helper.make_graph(nodes, 'digits', [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch', 64])], [helper.make_tensor_value_info(x, TensorProto.FLOAT, ['batch', 10])], inits)
m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
onnx.checker.check_model(m, full_check=True)
onnx.save(m, sys.argv[1])
print(json.dumps(True))`,
      [model],
    );
    server = new CodeServer({
      tools: setup.tools,
      stateDir: path.join(root, 'code-server'),
      workspace: wsDir,
      logFile: path.join(root, 'code-server.log'),
      userSettings: {
        // Trust is the registry's concern (tested in extension-flow); here the folder is trusted.
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        'workbench.colorTheme': 'Default Dark Modern',
      },
    });
    server.installExtension(vsix);
    await server.start();
    browser = await launchChromium(setup.tools.chromium);
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text())) cspViolations.push(`${message.location().url}: ${message.text()}`);
    });
    wb = new Workbench(page, path.join(ARTIFACTS, 'e2e'));
    await wb.open(server.url);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (root) {
      await killProcessesMentioning(root);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('palette -> model -> Dynamic int8 -> generated inputs: the report tab shows the size figures and charts', { timeout: 600_000 }, async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.ok(wb);
    const hash = sha256(model);
    try {
      // The palette lists what the extension registry knew when it opened: on a busy machine the
      // installed extension is scanned a while after the workbench shows, so look until it is there.
      await wb.waitUntil('the Tunekit commands in the command palette', async () => ((await wb!.paletteLabels('Tunekit: Compress')).length > 0 ? true : undefined), 120_000);
      await wb.runCommand('Tunekit: Compress Checkpoint…');
      const answered = await wb.answerQuickInputs(
        [
          { prompt: /which model/i, pick: /^digits\.onnx$/ },
          { prompt: /how to compress/i, pick: /^Dynamic int8$/ },
          { prompt: /on which inputs/i, pick: /^Generated inputs$/ },
        ],
        async () => (await wb!.findWebviewFrame(`${REPORT_ROOT} h1`)) !== undefined,
        'the compression report to open',
        180_000,
      );
      t.diagnostic(`answered: ${answered.join(' / ')}`);
      const frame = await wb.waitForWebviewFrame(`${REPORT_ROOT} .tk-summary`, 'the report summary');
      await frame.waitForFunction(() => document.documentElement.dataset.tkReport === 'shown', undefined, { timeout: LONG_WAIT_MS });
      const seen = await frame.evaluate(() => ({
        title: document.querySelector('h1')?.textContent ?? '',
        size: [...(document.querySelector('.tk-summary tr[data-row="File size"]')?.querySelectorAll('td') ?? [])].map((td) => td.textContent ?? ''),
        charts: Number(document.documentElement.dataset.tkCharts ?? 0),
        painted: [...document.querySelectorAll('canvas')].filter((c) => {
          const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
          return !!data && data.some((v, i) => i % 4 === 3 && v !== 0);
        }).length,
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
      }));
      t.diagnostic(JSON.stringify(seen));
      assert.equal(seen.title, 'digits.onnx: dynamic int8');
      assert.equal(seen.size.length, 3, `the File size row: ${JSON.stringify(seen.size)}`);
      assert.match(seen.size[2] ?? '', /^\d+\.\d+x smaller$/);
      assert.ok(seen.charts >= 3 && seen.painted === seen.charts, `charts drawn: ${seen.painted} of ${seen.charts}`);
      assert.match(seen.csp, /^default-src 'none'/);
      assert.deepEqual(await wb.tabLabels().then((labels) => labels.filter((l) => /Tunekit: digits\.onnx: dynamic int8/.test(l)).length), 1, 'one report tab, named after the model and method');
      await wb.page.screenshot({ path: path.join(ARTIFACTS, 'e2e-compress-report.png') });

      const output = path.join(path.dirname(model), 'digits.int8.onnx');
      assert.ok(fs.existsSync(output), 'the compressed model is beside the original');
      assert.ok(fs.statSync(output).size * 3 < fs.statSync(model).size, 'and much smaller');
      assert.equal(sha256(model), hash, 'the original is unchanged');
      assert.deepEqual(cspViolations, [], 'Content Security Policy violations while the report showed');
    } catch (error) {
      const shot = await wb.screenshot('failure-compress-flow').catch(() => 'none');
      (error as Error).message += `\n  screenshot: ${shot}\n  code-server log: ${path.join(root, 'code-server.log')}`;
      throw error;
    }
  });
});
