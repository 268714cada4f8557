// Standard input and output for the pipe-friendly commands.
export async function readStdin(limit = 64 * 1024 * 1024): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
    size += b.length
    if (size > limit) throw new Error(`standard input is larger than ${limit} bytes`)
    chunks.push(b)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

export function writeStdout(data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(data, (err) => (err ? reject(err) : resolve())))
}
