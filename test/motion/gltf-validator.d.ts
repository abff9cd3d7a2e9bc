/** The parts of the Khronos glTF validator's npm API (it ships no types) the tests use. */
declare module 'gltf-validator' {
  export interface ValidationMessage {
    code: string;
    message: string;
    severity: number;
    pointer?: string;
  }
  export interface ValidationReport {
    issues: { numErrors: number; numWarnings: number; numInfos: number; numHints: number; messages: ValidationMessage[] };
    info?: { animationCount?: number; skinCount?: number; totalVertexCount?: number; [key: string]: unknown };
  }
  export function validateBytes(data: Uint8Array, options?: { uri?: string; maxIssues?: number }): Promise<ValidationReport>;
  export function version(): string;
}
