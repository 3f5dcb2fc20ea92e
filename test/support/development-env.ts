// Jest sets NODE_ENV=test when it is unset; the tests run as development, which is
// what `npm run dev` runs as and the only mode where the development defaults apply.
// Tests that need another mode pass their own env object to loadConfig.
process.env.NODE_ENV = 'development';
