/** One import between two files: `from` imports `to` (paths relative to the repository root). */
export interface FileEdge {
  readonly from: string;
  readonly to: string;
}

/**
 * The import cycles among `files`: each strongly connected group of two or more files (or a file that
 * imports itself), as the sorted list of its files. Edges leaving `files` are ignored. Tarjan's
 * algorithm, iterative, so a long chain cannot overflow the stack.
 */
export function findCycles(files: readonly string[], edges: readonly FileEdge[]): string[][] {
  const inside = new Set(files);
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  const selfLoops = new Set<string>();
  for (const { from, to } of edges) {
    if (!inside.has(from) || !inside.has(to)) continue;
    if (from === to) selfLoops.add(from);
    (next.get(from) as string[]).push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of [...files].sort()) {
    if (index.has(root)) continue;
    const work: { file: string; child: number }[] = [{ file: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { file: string; child: number };
      const targets = next.get(frame.file) as string[];
      if (frame.child < targets.length) {
        const to = targets[frame.child++] as string;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ file: to, child: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.file, Math.min(low.get(frame.file) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file) as number, low.get(frame.file) as number));
      if (low.get(frame.file) !== index.get(frame.file)) continue;
      const group: string[] = [];
      for (;;) {
        const f = stack.pop() as string;
        onStack.delete(f);
        group.push(f);
        if (f === frame.file) break;
      }
      if (group.length > 1 || selfLoops.has(frame.file)) cycles.push(group.sort());
    }
  }
  return cycles.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
}
