/**
 * The one place that reads process.env. Every switch a user can set from the environment is here,
 * so `hmmr --help`, the README and the code agree on what exists.
 */
export interface EnvConfig {
  /** Default database file (`--db` overrides). */
  dbPath: string;
  /** Override path to an ffmpeg binary; otherwise the one shipped by @ffmpeg-installer. */
  ffmpegPath: string | undefined;
  /** Override path to an ffprobe binary; otherwise the one shipped by @ffprobe-installer. */
  ffprobePath: string | undefined;
  /** Default tfjs backend name (`--backend` overrides). */
  tfBackend: string | undefined;
  /** Default onnxruntime device, 'cpu' or 'cuda' (`--device` overrides). */
  onnxDevice: string | undefined;
  /** Forces plain progress lines even on a TTY (useful for logs). */
  plainProgress: boolean;
}

export function readEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  return {
    dbPath: env.HMMR_DB && env.HMMR_DB.length > 0 ? env.HMMR_DB : './hmmr.db',
    ffmpegPath: nonEmpty(env.HMMR_FFMPEG),
    ffprobePath: nonEmpty(env.HMMR_FFPROBE),
    tfBackend: nonEmpty(env.HMMR_BACKEND),
    onnxDevice: nonEmpty(env.HMMR_DEVICE),
    plainProgress: env.HMMR_PLAIN_PROGRESS === '1' || env.CI === 'true',
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.length > 0 ? value : undefined;
}

/** Read once at start-up; modules take what they need from here rather than from process.env. */
export const envConfig: EnvConfig = readEnvConfig();
