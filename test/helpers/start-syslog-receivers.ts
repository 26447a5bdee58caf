// Test syslog servers on 127.0.0.1 port 0: a UDP socket and a TCP server that record what they receive and let tests await it.
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface SyslogReceiver {
  readonly port: number;
  /** Datagrams (UDP) or newline-terminated lines (TCP), in arrival order. */
  readonly messages: string[];
  /** Resolves once `count` messages have arrived. */
  waitForMessages(count: number): Promise<string[]>;
  close(): Promise<void>;
}

function createWaiters(messages: string[]): { notify(): void; wait(count: number): Promise<string[]> } {
  const waiters: Array<{ count: number; resolve: (m: string[]) => void }> = [];
  return {
    notify() {
      for (const w of waiters.filter((x) => messages.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(messages);
      }
    },
    wait(count) {
      if (messages.length >= count) return Promise.resolve(messages);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}

export async function startUdpSyslog(): Promise<SyslogReceiver> {
  const messages: string[] = [];
  const waiters = createWaiters(messages);
  const socket = createSocket('udp4');
  socket.on('message', (data) => {
    messages.push(data.toString('utf8'));
    waiters.notify();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    messages,
    waitForMessages: waiters.wait,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** `port` binds a given port (to bring a server up where a client is already retrying); default 0. */
export async function startTcpSyslog(port = 0): Promise<SyslogReceiver & { readonly connections: number }> {
  const messages: string[] = [];
  const waiters = createWaiters(messages);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (data: Buffer) => {
      pending += data.toString('utf8');
      let newline = pending.indexOf('\n');
      while (newline !== -1) {
        messages.push(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      waiters.notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    get connections() {
      return connections;
    },
    waitForMessages: waiters.wait,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
