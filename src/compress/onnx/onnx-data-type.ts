/**
 * TensorProto.DataType (onnx.proto): the element types Tunekit names, sizes and counts. Only
 * FLOAT weights are compressed; the others are recognised so errors and parameter counts can
 * name them.
 */

export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

const NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

const BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2 };

/** "float32", "int8"... for reports; "type 42" for a type onnx.proto does not define. */
export function dataTypeName(dataType: number | undefined): string {
  return NAMES[dataType ?? 0] ?? `type ${dataType ?? 'undefined'}`;
}

/** Bytes per element in raw_data, or undefined for strings and unknown types. */
export function dataTypeBytes(dataType: number | undefined): number | undefined {
  return BYTES[dataType ?? 0];
}

/** The floating-point types counted as parameters in a report. */
export function isFloatType(dataType: number | undefined): boolean {
  return dataType === OnnxDataType.FLOAT || dataType === OnnxDataType.FLOAT16 || dataType === OnnxDataType.BFLOAT16 || dataType === OnnxDataType.DOUBLE;
}
