import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

/** The machine a benchmark ran on, as BENCHMARKS.md reports it. */
export interface MachineDescription {
  cores: number;
  cpuModel: string;
  nodeVersion: string;
  os: string;
  memoryGiB: number;
  /** When the measurement started, ISO 8601 in UTC. */
  date: string;
}

/** Describes this machine and the current time. */
export function describeMachine(): MachineDescription {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    nodeVersion: process.version,
    os: `${type()} ${release()}`,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    date: new Date().toISOString(),
  };
}

/** Formats the machine as one Markdown line. */
export function formatMachine(machine: MachineDescription): string {
  return `${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.nodeVersion}; started ${machine.date}.`;
}
