export function sourceHash(root: string, paths: readonly string[]): string;
export function replaceFolder(dir: string, files: readonly { name: string; bytes: Uint8Array | string }[]): number;
