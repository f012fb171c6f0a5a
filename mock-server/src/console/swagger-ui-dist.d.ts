// swagger-ui-dist ships no types; this is the one function the docs page uses from it.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder of the installed swagger-ui-dist package. */
  const getAbsoluteFSPath: () => string;
  export default getAbsoluteFSPath;
}
