// Just enough of the WebSocket protocol (RFC 6455) to hold a socket opened from a chosen local
// address (Bun's client cannot bind one): masked text frames out, frames in, pings answered.
import type { Socket } from "node:net";

const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

function frame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length;
  const head = length < 126 ? 2 : 4;
  const out = Buffer.alloc(head + 4 + length);
  out[0] = 0x80 | opcode;
  if (length < 126) out[1] = 0x80 | length;
  else {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  out.set(mask, head);
  for (let i = 0; i < length; i++) out[head + 4 + i] = payload[i]! ^ mask[i % 4]!;
  return out;
}

export class RawWebSocket {
  private buffer = Buffer.alloc(0);
  private listeners: ((text: string) => void)[] = [];
  closed = false;

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("close", () => {
      this.closed = true;
    });
    socket.on("error", () => {
      this.closed = true;
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === PING) this.socket.write(frame(PONG, payload));
      else if (opcode === CLOSE) this.closed = true;
      else if (opcode === TEXT) for (const listener of this.listeners) listener(payload.toString("utf8"));
    }
  }

  send(text: string): void {
    this.socket.write(frame(TEXT, new TextEncoder().encode(text)));
  }

  /** Sends a ping message and resolves true once its pong comes back within the time. */
  async roundTrip(id: number, timeoutMs = 5000): Promise<boolean> {
    let listener: (text: string) => void = () => {};
    const answered = new Promise<boolean>((resolve) => {
      listener = (text) => {
        if (text.includes('"pong"') && (JSON.parse(text) as { id?: number }).id === id) resolve(true);
      };
      this.listeners.push(listener);
    });
    this.send(JSON.stringify({ type: "ping", id }));
    const result = await Promise.race([answered, Bun.sleep(timeoutMs).then(() => false)]);
    this.listeners = this.listeners.filter((l) => l !== listener);
    return result;
  }

  close(): void {
    this.socket.destroy();
  }
}
