/**
 * Small graph surgery for the quantizers: fresh names that collide with nothing in the graph,
 * new initializers and nodes, replacing a node by a chain of nodes at the same place (the node
 * list must stay topologically sorted, onnx/docs/IR.md "Graphs"), and dropping an initializer
 * together with the graph inputs and value_info entries that named it.
 */
import { encodeTensorType } from './onnx-model';
import type { OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor } from './onnx-model';

export class GraphEditor {
  private readonly taken = new Set<string>();
  private readonly replacements = new Map<OnnxNode, OnnxNode[]>();
  private readonly before = new Map<OnnxNode, OnnxNode[]>();

  readonly graph: OnnxGraph;
  /** IR < 4 requires every initializer to be listed among the graph inputs (onnx/docs/IR.md). */
  private readonly initializersAreInputs: boolean;

  constructor(model: OnnxModel) {
    if (!model.graph) throw new Error('GraphEditor: the model has no graph');
    const graph = model.graph;
    this.graph = graph;
    this.initializersAreInputs = (model.irVersion ?? 7) < 4;
    for (const n of graph.node) {
      if (n.name) this.taken.add(n.name);
      for (const v of [...n.input, ...n.output]) this.taken.add(v);
    }
    for (const t of graph.initializer) if (t.name) this.taken.add(t.name);
    for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) if (v.name) this.taken.add(v.name);
  }

  /** `base`, or `base_1`, `base_2`... whichever is free; the name is then taken. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }

  addInitializer(name: string, dataType: number, dims: number[], raw: Uint8Array): OnnxTensor {
    const t: OnnxTensor = { dims, dataType, name, rawData: raw, externalData: [], unknown: [] };
    this.graph.initializer.push(t);
    if (this.initializersAreInputs) this.graph.input.push({ name, type: encodeTensorType(dataType, dims), unknown: [] });
    return t;
  }

  /**
   * A new node, labelled `name` (made unique) when given. NodeProto.name is optional: the
   * dynamic quantizer leaves its many little nodes unlabelled, because in a small model the
   * labels would be a visible share of the file.
   */
  node(opType: string, input: string[], output: string[], attribute: OnnxAttribute[] = [], name?: string): OnnxNode {
    return { input, output, ...(name === undefined ? {} : { name: this.fresh(name) }), opType, attribute, unknown: [] };
  }

  /** Puts `nodes` where `node` was (applied by commit). */
  replace(node: OnnxNode, nodes: OnnxNode[]): void {
    this.replacements.set(node, nodes);
  }

  /** Puts `nodes` just before `node` (applied by commit). */
  insertBefore(node: OnnxNode, nodes: OnnxNode[]): void {
    this.before.set(node, [...(this.before.get(node) ?? []), ...nodes]);
  }

  /** Applies the replacements and insertions to the node list, keeping its order. */
  commit(): void {
    this.graph.node = this.graph.node.flatMap((n) => [...(this.before.get(n) ?? []), ...(this.replacements.get(n) ?? [n])]);
    this.replacements.clear();
    this.before.clear();
  }

  /** True when some node (after commit) reads `name`. */
  isRead(name: string): boolean {
    return this.graph.node.some((n) => n.input.includes(name)) || this.graph.output.some((o) => o.name === name);
  }

  /** Removes an initializer and every graph input / value_info entry that described it. */
  dropInitializer(name: string): void {
    this.graph.initializer = this.graph.initializer.filter((t) => t.name !== name);
    this.graph.input = this.graph.input.filter((v) => v.name !== name);
    this.graph.valueInfo = this.graph.valueInfo.filter((v) => v.name !== name);
  }

  /** Turns an initializer's name into a node output: it can no longer be a graph input. */
  stopBeingInput(name: string): void {
    this.graph.input = this.graph.input.filter((v) => v.name !== name);
  }
}

export function intAttr(name: string, value: number): OnnxAttribute {
  return { name, i: BigInt(value), ints: [], type: 2, unknown: [] };
}

export function attrInt(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attribute.find((x) => x.name === name);
  return a?.i === undefined ? fallback : Number(a.i);
}

export function attrFloat(node: OnnxNode, name: string, fallback: number): number {
  return node.attribute.find((x) => x.name === name)?.f ?? fallback;
}
