// Jest runs modules in a vm without ES module support, where `import('http')`
// throws ("A dynamic import callback was invoked without --experimental-vm-modules").
// The OTLP exporter loads `http`/`https` that way, so in tests only, those two
// imports become the require() they would be in a CommonJS build. The tests
// then exercise the exporter production uses, not a stand-in for it.
module.exports = {
  process(source) {
    return { code: source.replace(/\bimport\((['"])(https?)\1\)/g, 'Promise.resolve(require($1$2$1))') };
  },
};
