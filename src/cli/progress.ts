import { SingleBar, Presets } from 'cli-progress';

/**
 * What a long run tells its operator while it works. On a terminal: one progress bar per stage
 * (cli-progress); elsewhere (cron, systemd, CI): one plain line when a stage starts and one when it
 * ends, so logs stay readable.
 */
export interface Progress {
  start(stage: string, total?: number): void;
  /** Work done so far in the current stage (lines, actors, pages…). */
  update(done: number, total?: number): void;
  end(stage: string, ms: number): void;
}

export function createProgress(stream: NodeJS.WriteStream): Progress {
  return stream.isTTY ? terminalProgress(stream) : plainProgress(stream);
}

function plainProgress(stream: NodeJS.WriteStream): Progress {
  return {
    start: (stage) => { stream.write(`stage ${stage}\n`); },
    update: () => {},
    end: (stage, ms) => { stream.write(`stage ${stage} done in ${ms} ms\n`); },
  };
}

function terminalProgress(stream: NodeJS.WriteStream): Progress {
  let bar: SingleBar | null = null;
  return {
    start(stage, total = 0) {
      bar?.stop();
      bar = new SingleBar({
        stream,
        format: `${stage.padEnd(16)} {bar} {value}/{total}  {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      }, Presets.shades_classic);
      bar.start(total, 0);
    },
    update(done, total) {
      if (total !== undefined) bar?.setTotal(total);
      bar?.update(done);
    },
    end() {
      bar?.stop();
      bar = null;
    },
  };
}
