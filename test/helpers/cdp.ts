// A small Chrome DevTools Protocol client over a WebSocket (RFC 6455, text frames only), enough to
// drive a Node.js inspector from a test: `send` a method, wait for an event.
import { randomBytes } from 'crypto';
import * as net from 'net';

export interface CdpEvent {
  method: string;
  params: any;
}

export class CdpClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly replies = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(e: CdpEvent) => void> = [];
  /** Every event received, in order. */
  readonly events: CdpEvent[] = [];

  private constructor(private readonly socket: net.Socket) {}

  static connect(wsUrl: string): Promise<CdpClient> {
    const url = new URL(wsUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      const key = randomBytes(16).toString('base64');
      let head = '';
      socket.once('error', reject);
      socket.on('connect', () => {
        socket.write(
          `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      const onHead = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onHead);
        if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error(`WebSocket upgrade refused: ${head.split('\r\n')[0]}`));
        const client = new CdpClient(socket);
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        socket.on('data', (c: Buffer) => client.receive(c));
        if (rest.length) client.receive(rest);
        resolve(client);
      };
      socket.on('data', onHead);
    });
  }

  send(method: string, params: object = {}): Promise<any> {
    const id = this.nextId++;
    const payload = Buffer.from(JSON.stringify({ id, method, params }));
    const mask = randomBytes(4);
    const len = payload.length;
    const header = len < 126 ? Buffer.from([0x81, 0x80 | len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    if (len >= 126 && len < 65536) {
      header[0] = 0x81;
      header[1] = 0x80 | 126;
      header.writeUInt16BE(len, 2);
    } else if (len >= 65536) {
      header[0] = 0x81;
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = payload[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([header, mask, masked]));
    return new Promise((resolve, reject) => this.replies.set(id, { resolve, reject }));
  }

  /** The first event (already received or to come) with this method that `match` accepts. */
  waitFor(method: string, match: (params: any) => boolean = () => true, timeoutMs = 30_000): Promise<any> {
    const seen = this.events.find((e) => e.method === method && match(e.params));
    if (seen) return Promise.resolve(seen.params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      const listener = (e: CdpEvent) => {
        if (e.method !== method || !match(e.params)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(e.params);
      };
      this.listeners.push(listener);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0] & 0x0f;
      let len = this.buffer[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      const payload = this.buffer.subarray(offset, offset + len);
      this.buffer = this.buffer.subarray(offset + len);
      // The inspector sends whole text frames; a close frame ends the conversation.
      if (opcode === 0x8) return void this.socket.end();
      if (opcode !== 0x1) continue;
      const message = JSON.parse(payload.toString('utf8'));
      if (typeof message.id === 'number') {
        const waiting = this.replies.get(message.id);
        this.replies.delete(message.id);
        if (message.error) waiting?.reject(new Error(`${message.error.message} (${message.error.code})`));
        else waiting?.resolve(message.result);
      } else {
        const event = { method: message.method, params: message.params };
        this.events.push(event);
        for (const l of [...this.listeners]) l(event);
      }
    }
  }
}
