/**
 * `tunekit quantize MODEL [--scheme dynamic-int8|weight-int8|fp16|bf16] ...`: a smaller copy of
 * an ONNX, safetensors or PyTorch checkpoint beside it, verified against the original.
 */
import { parseArgs } from 'node:util';
import type { QuantizeMethod, QuantizeScheme } from '../../protocol/compression';
import { CliUsageError } from '../cli-error';
import { SHARED_COMPRESS_OPTIONS, SHARED_COMPRESS_USAGE, sharedRequest, singleModel } from '../compress-options';
import type { CompressIo } from '../compress-run';
import { runCompressCommand } from '../compress-run';

const SCHEMES: readonly QuantizeScheme[] = ['dynamic-int8', 'weight-int8', 'fp16', 'bf16'];

export const QUANTIZE_USAGE = `tunekit quantize MODEL [--scheme dynamic-int8|weight-int8|fp16|bf16] [options]

Stores the weights of MODEL (.onnx, .safetensors, .pt/.pth) at lower precision in a new file
beside it, then runs both models on the same inputs and reports size, latency, output agreement
and accuracy before and after. The original is never modified.
  --scheme S            dynamic-int8 (default): int8 weights per output channel, activations
                          quantized at run time (ONNX MatMulInteger; PyTorch quantize_dynamic)
                        weight-int8: int8 weights + scales, dequantized when loaded
                        fp16 / bf16: weights at half precision
${SHARED_COMPRESS_USAGE}`;

/** The flags `tunekit quantize` takes. */
export const QUANTIZE_OPTIONS = { ...SHARED_COMPRESS_OPTIONS, scheme: { type: 'string' } } as const;

export async function quantizeCommand(argv: string[], io: CompressIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out.write(QUANTIZE_USAGE + '\n');
    return 0;
  }
  return runCompressCommand(
    argv.includes('--json'),
    () => {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: QUANTIZE_OPTIONS,
      });
      const model = singleModel(positionals, 'quantize', QUANTIZE_USAGE);
      return { ...sharedRequest(model, values), method: quantizeMethod(values.scheme) };
    },
    io,
  );
}

function quantizeMethod(scheme: string | undefined): QuantizeMethod {
  const chosen = scheme ?? 'dynamic-int8';
  if (!SCHEMES.includes(chosen as QuantizeScheme)) throw new CliUsageError(`--scheme is one of ${SCHEMES.join(', ')}; not "${chosen}"`);
  return { kind: 'quantize', scheme: chosen as QuantizeScheme };
}
