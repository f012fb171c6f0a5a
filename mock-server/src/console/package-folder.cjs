// This file's folder, in every way the package runs: built (tsup sets __dirname), tested (jest runs
// CommonJS) and run from source as ES modules (where a .ts file has no __dirname).
module.exports = __dirname;
