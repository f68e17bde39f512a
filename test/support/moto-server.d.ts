export function motoProbe(): { installed: boolean; detail: string };
export function freePort(): Promise<number>;
export function startMotoServer(extraEnv?: Record<string, string>): Promise<{ endpoint: string; stop(): Promise<void> }>;
