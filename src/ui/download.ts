/** Saves bytes (or a Blob made elsewhere, e.g. in a worker) as a file through the browser's download (nothing leaves the machine). */
export function download(fileName: string, data: Uint8Array | Blob): void {
  const blob = data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
