declare module 'swagger-ui-dist' {
  /** The folder holding swagger-ui's static files. */
  export function getAbsoluteFSPath(): string;
}
