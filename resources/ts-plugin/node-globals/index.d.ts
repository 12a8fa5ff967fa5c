// Stands in for @types/node in a service folder whose packages are not installed yet (no
// node_modules): what generated files and resolvers commonly use, loosely typed. `npm install`
// brings the real declarations, which replace these.
declare var process: {
  env: Record<string, string | undefined>;
  argv: string[];
  cwd(): string;
  exit(code?: number): never;
  [key: string]: any;
};
declare var __dirname: string;
declare var __filename: string;
declare var require: any;
declare var module: any;
declare var exports: any;
declare var Buffer: any;
declare var console: {
  log(...data: any[]): void;
  info(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
  debug(...data: any[]): void;
  [key: string]: any;
};
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearTimeout(handle: any): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearInterval(handle: any): void;
declare function setImmediate(callback: (...args: any[]) => void, ...args: any[]): any;
declare function structuredClone<T>(value: T): T;
declare module 'node:*';
declare module 'assert';
declare module 'buffer';
declare module 'child_process';
declare module 'crypto';
declare module 'events';
declare module 'fs';
declare module 'fs/promises';
declare module 'http';
declare module 'https';
declare module 'net';
declare module 'os';
declare module 'path';
declare module 'stream';
declare module 'url';
declare module 'util';
declare module 'zlib';
